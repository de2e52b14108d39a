package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class JitPolicyTest {
    @Test
    void theKernelsCommandLineScalesTheMachinerysThresholdsUnlessTheUserChoosesTheJit() {
        List<String> options = JitPolicy.jvmOptions(List.of());
        assertEquals("-XX:CompileCommand=quiet", options.get(0)); // HotSpot would print each command otherwise
        assertEquals(1 + JitPolicy.PACKAGES.size(), options.size());
        assertTrue(options.contains("-XX:CompileCommand=CompileThresholdScaling,com.sun.tools.javac.*::*,"
                + JitPolicy.THRESHOLD_SCALING), options.toString());
        assertTrue(options.contains("-XX:CompileCommand=CompileThresholdScaling,zmq.*::*,"
                + JitPolicy.THRESHOLD_SCALING), options.toString());
        assertEquals(options, JitPolicy.jvmOptions(Kernelspec.userJavaOpts("-Xmx4g -XX:+UseG1GC")));
        for (String own : List.of("-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation",
                "-XX:CompileCommand=exclude,Foo::bar", "-XX:CompilerDirectivesFile=d.json")) {
            assertEquals(List.of(), JitPolicy.jvmOptions(List.of("-Xmx4g", own)), own);
        }
    }

    @Test
    void theDirectiveRefusesC2ToEachPackageAndNothingElse() {
        assertEquals("[{ match: [\"com/sun/tools/javac/*.*\", \"com/sun/source/*.*\", \"jdk/jshell/*.*\","
                + " \"jdk/internal/jshell/*.*\", \"zmq/*.*\", \"org/zeromq/*.*\", \"org/dflib/jjava/*.*\","
                + " \"com/google/gson/*.*\", \"jdk/nio/zipfs/*.*\", \"org/assay/kernel/*.*\"], c2: { Exclude: true } }]\n",
                JitPolicy.directive());
    }

    @Test
    void withoutTheKernelsOptionsNothingIsAdded() {
        // this test JVM was not started with jvmOptions(): the JIT keeps its default policy
        assertFalse(JitPolicy.apply());
    }

    /** Started by the test below with the kernel's options: applies the policy, prints the compiler's directives. */
    public static void main(String[] args) throws Exception {
        boolean applied = JitPolicy.apply();
        Object directives = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        System.out.println("applied=" + applied);
        System.out.println(directives);
    }

    @Test
    void inAJvmStartedWithTheKernelsOptionsC2IsRefusedToTheMachineryQuietly() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Kernelspec.javaPath()));
        cmd.addAll(JitPolicy.jvmOptions(List.of()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), JitPolicyTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        assertTrue(out.startsWith("applied=true\n"), "nothing printed before main's own output:\n" + out);
        assertTrue(out.contains("com/sun/tools/javac/*.*") && out.contains("org/assay/kernel/*.*"), out);
        // the kernel's directive says Exclude for C2 and not for C1
        String ours = out.substring(out.indexOf("com/sun/tools/javac/*.*"));
        String c1 = ours.substring(ours.indexOf("c1 directives:"), ours.indexOf("c2 directives:"));
        String c2 = ours.substring(ours.indexOf("c2 directives:"));
        assertTrue(c1.contains("Exclude:false"), c1);
        assertTrue(c2.substring(0, c2.indexOf("\n", c2.indexOf("Exclude:"))).contains("Exclude:true"), c2);
    }
}
