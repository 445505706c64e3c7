package dev.vigil.engine.ruleset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds code in DRL that would reach outside the rules: exiting the JVM, processes, threads,
 * reflection and class loading, files, the network, the engine's own internals.
 *
 * <p>A rule's consequence (and a function, an {@code eval}, a {@code from} expression) is Java run
 * inside the server, so a rule set may use only what rules need: the {@code alerts} global, the
 * basics of {@code java.lang} (strings, numbers, {@code Math}), {@code java.time}, {@code java.math}
 * and the collections of {@code java.util}. This is a check of names in the text, comments and
 * string literals left out: it keeps honest mistakes and the obvious attacks out of a shared
 * server, and does not pretend to be a sandbox against a determined author, who needs the admin
 * token to deploy at all.
 */
final class UnsafeCode {
    private static final String EXIT = "may not stop or configure the JVM";
    private static final String PROCESS = "may not start processes";
    private static final String THREAD = "may not start or manage threads";
    private static final String REFLECTION = "may not use reflection or load classes";
    private static final String IO = "may not read or write files";
    private static final String NETWORK = "may not use the network";
    private static final String ENGINE = "may not reach into the engine's session or internals";

    /** Qualified name prefixes, then simple names, each with why it is refused. */
    private static final Map<String, String> PACKAGES = new LinkedHashMap<>();
    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        for (var p : List.of("java.io.", "java.nio.")) {
            PACKAGES.put(p, IO);
        }
        for (var p : List.of("java.net.", "java.rmi.", "java.sql.", "javax.naming.", "javax.net.")) {
            PACKAGES.put(p, NETWORK);
        }
        for (var p : List.of("java.lang.reflect.", "java.lang.invoke.", "javax.script.", "sun.", "jdk.", "com.sun.")) {
            PACKAGES.put(p, REFLECTION);
        }
        PACKAGES.put("java.util.concurrent.", THREAD);
        PACKAGES.put("java.lang.management.", EXIT);
        for (var p : List.of("org.kie.", "org.drools.")) {
            PACKAGES.put(p, ENGINE);
        }
        for (var n : List.of("System", "Runtime", "Shutdown", "SecurityManager")) {
            NAMES.put(n, EXIT);
        }
        for (var n : List.of("ProcessBuilder", "Process", "ProcessHandle")) {
            NAMES.put(n, PROCESS);
        }
        for (var n : List.of("Thread", "ThreadGroup", "Executors", "ExecutorService", "ForkJoinPool", "CompletableFuture", "Timer",
                "TimerTask")) {
            NAMES.put(n, THREAD);
        }
        for (var n : List.of("Class", "ClassLoader", "getClass", "forName", "getDeclaredMethod", "getDeclaredMethods", "getDeclaredField",
                "getDeclaredFields", "getDeclaredConstructor", "getMethod", "getField", "newInstance", "setAccessible", "MethodHandles",
                "Proxy", "Unsafe", "ScriptEngineManager", "ObjectInputStream", "ObjectOutputStream")) {
            NAMES.put(n, REFLECTION);
        }
        for (var n : List.of("File", "Files", "Path", "Paths", "FileInputStream", "FileOutputStream", "FileReader", "FileWriter",
                "RandomAccessFile", "FileChannel", "PrintStream", "Console")) {
            NAMES.put(n, IO);
        }
        for (var n : List.of("Socket", "ServerSocket", "DatagramSocket", "SocketChannel", "URL", "URLConnection", "HttpURLConnection",
                "HttpClient", "InetAddress", "DriverManager")) {
            NAMES.put(n, NETWORK);
        }
        for (var n : List.of("getKieRuntime", "getKnowledgeRuntime", "getWorkingMemory", "getKieBase", "getChannels")) {
            NAMES.put(n, ENGINE);
        }
    }

    private static final Pattern QUALIFIED = Pattern.compile("[A-Za-z_$][\\w$]*(\\s*\\.\\s*[A-Za-z_$][\\w$]*)*");

    private UnsafeCode() {
    }

    private static final Pattern DECLARE = Pattern.compile("(?m)^\\s*declare\\s+([A-Za-z_$][\\w$]*)");

    /** The names the rule set declares itself: a type named {@code Process} or {@code File} is the author's own. */
    static java.util.Set<String> declaredTypes(java.util.Collection<String> drls) {
        var out = new java.util.HashSet<String>();
        for (var drl : drls) {
            var matcher = DECLARE.matcher(blankCommentsAndStrings(drl));
            while (matcher.find()) {
                out.add(matcher.group(1));
            }
        }
        return out;
    }

    /**
     * Every refused name in {@code drl}, as errors at their line and column in {@code file}; the
     * rule set's own {@code declared} types are allowed whatever their names.
     */
    static List<Diagnostic> check(String file, String drl, java.util.Set<String> declared) {
        var code = blankCommentsAndStrings(drl);
        var out = new ArrayList<Diagnostic>();
        var matcher = QUALIFIED.matcher(code);
        while (matcher.find()) {
            var name = matcher.group().replaceAll("\\s", "");
            var reason = reason(name, declared);
            if (reason != null) {
                int line = 1;
                int lineStart = 0;
                for (int i = 0; i < matcher.start(); i++) {
                    if (code.charAt(i) == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                }
                out.add(Diagnostic.error(file, line, matcher.start() - lineStart + 1, "'" + reason.name + "' is not allowed in rules: a rule "
                        + reason.why + "; rules may use the alerts global, java.lang basics (strings, numbers, Math), java.time, "
                        + "java.math and java.util collections (a server started with --allow-unsafe-rules takes it)"));
            }
        }
        return out;
    }

    private record Reason(String name, String why) {
    }

    private static Reason reason(String qualified, java.util.Set<String> declared) {
        for (var entry : PACKAGES.entrySet()) {
            if ((qualified + ".").startsWith(entry.getKey())) {
                return new Reason(qualified, entry.getValue());
            }
        }
        var parts = qualified.split("\\.");
        // java.lang.System and the like: the simple names also catch their qualified forms.
        for (var part : parts) {
            var why = NAMES.get(part);
            if (why != null && !declared.contains(part)) {
                return new Reason(part, why);
            }
        }
        return null;
    }

    /** {@code drl} with comments and string and character literals replaced by spaces, lines kept. */
    static String blankCommentsAndStrings(String drl) {
        var out = new StringBuilder(drl.length());
        int i = 0;
        while (i < drl.length()) {
            char c = drl.charAt(i);
            if (c == '/' && i + 1 < drl.length() && drl.charAt(i + 1) == '/') {
                while (i < drl.length() && drl.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < drl.length() && drl.charAt(i + 1) == '*') {
                int end = drl.indexOf("*/", i + 2);
                end = end < 0 ? drl.length() : end + 2;
                blank(drl, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < drl.length() && drl.charAt(end) != c && drl.charAt(end) != '\n') {
                    end += drl.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(drl.length(), end + 1);
                blank(drl, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String text, int from, int to, StringBuilder out) {
        for (int j = from; j < to; j++) {
            out.append(text.charAt(j) == '\n' ? '\n' : ' ');
        }
    }
}
