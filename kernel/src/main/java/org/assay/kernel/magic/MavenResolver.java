package org.assay.kernel.magic;

import eu.maveniverse.maven.mima.context.Context;
import eu.maveniverse.maven.mima.context.ContextOverrides;
import eu.maveniverse.maven.mima.context.Runtimes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
        if (localRepositoryOverride != null) {
            overrides.withLocalRepositoryOverride(localRepositoryOverride);
        }
        if (repositoriesOverride != null) {
            overrides.repositories(repositoriesOverride)
                    .addRepositoriesOp(ContextOverrides.AddRepositoriesOp.REPLACE);
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
