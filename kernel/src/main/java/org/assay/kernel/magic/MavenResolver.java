package org.assay.kernel.magic;

import eu.maveniverse.maven.mima.context.Context;
import eu.maveniverse.maven.mima.context.ContextOverrides;
import eu.maveniverse.maven.mima.context.Runtimes;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.DependencyResult;
import org.eclipse.aether.util.artifact.JavaScopes;

/**
 * Resolves Maven coordinates with their runtime dependencies through Maven Resolver (via MIMA, which reads
 * {@code ~/.m2/settings.xml} as Maven does: local repository, mirrors, profiles' repositories, offline mode).
 * Offline when {@code ASSAY_OFFLINE=1} or settings say so; missing artifacts then fail with a clear message.
 */
public final class MavenResolver {
    private Path localRepositoryOverride;
    private List<RemoteRepository> repositoriesOverride;
    private Boolean offlineOverride;
    private final Map<String, RemoteRepository> added = new LinkedHashMap<>();

    /** For tests and for notebooks that pin their repositories. */
    public MavenResolver withLocalRepository(Path path) {
        this.localRepositoryOverride = path;
        return this;
    }

    public MavenResolver withRemoteRepository(String id, String url) {
        if (repositoriesOverride == null) {
            repositoriesOverride = new ArrayList<>();
        }
        repositoriesOverride.add(new RemoteRepository.Builder(id, "default", url).build());
        return this;
    }

    /**
     * Adds a remote repository searched after those of the settings ({@code %mavenRepo ID URL}); an id added again
     * points at the new URL.
     */
    public MavenResolver addRepository(String id, String url) {
        if (!id.matches("[\\w.-]+")) {
            throw new IllegalArgumentException("repository id must be letters, digits, '.', '-' or '_', got '" + id + "'");
        }
        String scheme = schemeOf(url);
        if (!List.of("http", "https", "file").contains(scheme)) {
            throw new IllegalArgumentException("repository URL must start with https://, http:// or file:, got '"
                    + url + "'");
        }
        added.put(id, new RemoteRepository.Builder(id, "default", url).build());
        return this;
    }

    /** The repositories added with {@link #addRepository}, id to URL, in order. */
    public Map<String, String> addedRepositories() {
        Map<String, String> urls = new LinkedHashMap<>();
        added.forEach((id, r) -> urls.put(id, r.getUrl()));
        return urls;
    }

    private static String schemeOf(String url) {
        try {
            String scheme = new URI(url).getScheme();
            return scheme == null ? "" : scheme.toLowerCase(java.util.Locale.ROOT);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("repository URL is not a URL: '" + url + "' (" + e.getReason() + ")");
        }
    }

    public MavenResolver offline(boolean offline) {
        this.offlineOverride = offline;
        return this;
    }

    private boolean offlineFromEnv() {
        String v = System.getenv("ASSAY_OFFLINE");
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    public List<Path> resolve(List<String> coordinates) throws Exception {
        ContextOverrides.Builder overrides = ContextOverrides.create().withUserSettings(true);
        if (offlineOverride != null || offlineFromEnv()) {
            overrides.offline(offlineOverride != null ? offlineOverride : true);
        }
        String localFromProperty = System.getProperty("maven.repo.local"); // as mvn -Dmaven.repo.local=...
        if (localRepositoryOverride != null) {
            overrides.withLocalRepositoryOverride(localRepositoryOverride);
        } else if (localFromProperty != null && !localFromProperty.isBlank()) {
            overrides.withLocalRepositoryOverride(Path.of(localFromProperty));
        }
        if (repositoriesOverride != null) {
            List<RemoteRepository> all = new ArrayList<>(repositoriesOverride);
            all.addAll(added.values());
            overrides.repositories(all).addRepositoriesOp(ContextOverrides.AddRepositoriesOp.REPLACE);
        } else if (!added.isEmpty()) {
            overrides.repositories(List.copyOf(added.values()))
                    .addRepositoriesOp(ContextOverrides.AddRepositoriesOp.APPEND);
        }
        try (Context context = Runtimes.INSTANCE.getRuntime().create(overrides.build())) {
            CollectRequest collect = new CollectRequest();
            for (String c : coordinates) {
                collect.addDependency(new Dependency(artifact(c), JavaScopes.RUNTIME));
            }
            collect.setRepositories(context.remoteRepositories());
            DependencyRequest request = new DependencyRequest(collect, null);
            try {
                DependencyResult result = context.repositorySystem()
                        .resolveDependencies(context.repositorySystemSession(), request);
                Set<Path> jars = new LinkedHashSet<>();
                for (ArtifactResult a : result.getArtifactResults()) {
                    jars.add(a.getArtifact().getFile().toPath());
                }
                return List.copyOf(jars);
            } catch (DependencyResolutionException e) {
                boolean offline = context.repositorySystemSession().isOffline();
                String repos = context.remoteRepositories().stream()
                        .map(r -> r.getId() + " (" + r.getUrl() + ")").collect(Collectors.joining(", "));
                throw new IllegalStateException("cannot resolve " + String.join(", ", coordinates) + ": "
                        + rootMessage(e) + "\n  local repository: " + context.repositorySystemSession()
                        .getLocalRepository().getBasedir()
                        + "\n  remote repositories: " + (repos.isEmpty() ? "none" : repos)
                        + (offline ? "\n  offline: only the local repository was searched (unset ASSAY_OFFLINE or"
                                + " settings.xml <offline> to download)" : ""), e);
            }
        }
    }

    private static DefaultArtifact artifact(String coords) {
        String[] parts = coords.split(":");
        if (parts.length < 3 || parts.length > 5) {
            throw new IllegalArgumentException("coordinates must be group:artifact:version (or"
                    + " group:artifact:extension[:classifier]:version), got '" + coords + "'");
        }
        return new DefaultArtifact(coords);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
