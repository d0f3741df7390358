package io.zerodrop.workload;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.zerodrop.core.ZerodropException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads the workload under test from a kustomize directory (rendered with {@code kubectl kustomize}) or from
 * YAML files, through the fabric8 model.
 */
public final class ManifestLoader {
    private ManifestLoader() {
    }

    public static List<HasMetadata> render(Path source) {
        if (!Files.exists(source)) {
            throw ZerodropException.usage("manifests " + source + " do not exist: expected a kustomize directory or "
                    + "YAML files");
        }
        List<HasMetadata> out = new ArrayList<>();
        if (Files.isDirectory(source) && (Files.exists(source.resolve("kustomization.yaml"))
                || Files.exists(source.resolve("kustomization.yml")))) {
            parse(kustomize(source), "the output of kubectl kustomize " + source, out);
        } else if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.filter(f -> f.toString().matches(".*\\.ya?ml")).sorted().toList()) {
                    parse(Files.readString(f), f.toString(), out);
                }
            } catch (IOException e) {
                throw ZerodropException.usage("cannot read manifests in " + source + ": " + e.getMessage());
            }
        } else {
            try {
                parse(Files.readString(source), source.toString(), out);
            } catch (IOException e) {
                throw ZerodropException.usage("cannot read manifest " + source + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** Parses one file's text (or kustomize's output); a refused field is named with its line and column. */
    private static void parse(String yaml, String where, List<HasMetadata> out) {
        try {
            Object parsed = new KubernetesSerialization().unmarshal(yaml);
            if (parsed instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof HasMetadata h) {
                        out.add(h);
                    }
                }
            } else if (parsed instanceof HasMetadata h) {
                out.add(h);
            }
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof JsonMappingException)) {
                cause = cause.getCause();
            }
            if (cause instanceof JsonMappingException j) {
                String at = ManifestLocator.locate(yaml, j);
                String why = j.getOriginalMessage();
                throw ZerodropException.usage(where + at + ": not valid Kubernetes YAML: " + why);
            }
            throw ZerodropException.usage(where + " is not valid Kubernetes YAML: " + e.getMessage());
        }
    }

    /** {@code kubectl kustomize dir}'s output; exit 2 when kustomize refuses it, 3 when kubectl is missing. */
    public static String kustomize(Path dir) {
        try {
            Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw ZerodropException.usage("kubectl kustomize " + dir + " failed: " + err.trim());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ZerodropException.environment("rendering " + dir + " needs kubectl (with its built-in kustomize)"
                    + " on PATH: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZerodropException.environment("interrupted while rendering " + dir);
        }
    }

    /** The one Deployment or StatefulSet in the manifests, with its Service and PDB. */
    public static Workload load(Path source) {
        return fromObjects(render(source), source.toString());
    }

    /** The one Deployment or StatefulSet among {@code objects} (read from {@code source}), with its Service and PDB. */
    public static Workload fromObjects(List<HasMetadata> objects, String source) {
        List<HasMetadata> workloads = objects.stream()
                .filter(o -> o instanceof Deployment || o instanceof StatefulSet).toList();
        if (workloads.size() != 1) {
            throw ZerodropException.usage("manifests " + source + " contain " + workloads.size()
                    + " Deployments/StatefulSets: expected exactly one workload under test");
        }
        HasMetadata w = workloads.get(0);
        PodTemplateSpec template;
        int replicas;
        String surge = "25%";
        String unavailable = "25%";
        if (w instanceof Deployment d) {
            template = d.getSpec().getTemplate();
            replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            if (d.getSpec().getStrategy() != null && d.getSpec().getStrategy().getRollingUpdate() != null) {
                surge = text(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge(), surge);
                unavailable = text(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable(), unavailable);
            }
        } else {
            StatefulSet s = (StatefulSet) w;
            template = s.getSpec().getTemplate();
            replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
            surge = "0";
            unavailable = "1";
        }
        String where = w.getKind() + " " + w.getMetadata().getName();
        List<Container> containers = template.getSpec().getContainers();
        if (containers == null || containers.size() != 1) {
            throw ZerodropException.usage(where + " has " + (containers == null ? 0 : containers.size())
                    + " containers: the local runtime runs exactly one per pod");
        }
        Container c = containers.get(0);
        Map<String, String> labels = template.getMetadata().getLabels() == null ? Map.of()
                : template.getMetadata().getLabels();
        List<String> fromPodName = new ArrayList<>();
        Map<String, String> env = env(c, fromPodName);
        Map<String, Integer> namedPorts = namedPorts(c);
        int port = c.getPorts() == null || c.getPorts().isEmpty() ? 0 : c.getPorts().get(0).getContainerPort();
        long grace = template.getSpec().getTerminationGracePeriodSeconds() == null ? 30
                : template.getSpec().getTerminationGracePeriodSeconds();
        Workload.Service service = service(objects, labels, namedPorts, source, where);
        Optional<Workload.Budget> budget = budget(objects, labels);
        return new Workload(w.getKind(), w.getMetadata().getName(), replicas, Map.copyOf(labels), c.getName(),
                c.getImage(),
                c.getCommand() == null ? List.of() : List.copyOf(c.getCommand()),
                c.getArgs() == null ? List.of() : List.copyOf(c.getArgs()), env, List.copyOf(fromPodName), port,
                probe(c.getStartupProbe(), namedPorts, where + " startupProbe"),
                probe(c.getReadinessProbe(), namedPorts, where + " readinessProbe"),
                probe(c.getLivenessProbe(), namedPorts, where + " livenessProbe"),
                preStop(c, namedPorts, where), grace, surge, unavailable, Optional.of(service), budget);
    }

    /** The container's literal environment; the names of variables set to the pod's name go to {@code fromPodName}. */
    private static Map<String, String> env(Container c, List<String> fromPodName) {
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnv() != null) {
            for (EnvVar e : c.getEnv()) {
                if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
                        && "metadata.name".equals(e.getValueFrom().getFieldRef().getFieldPath())) {
                    fromPodName.add(e.getName());
                } else if (e.getValue() != null) {
                    env.put(e.getName(), e.getValue());
                }
            }
        }
        return env;
    }

    /** The container's ports by name. */
    private static Map<String, Integer> namedPorts(Container c) {
        Map<String, Integer> namedPorts = new LinkedHashMap<>();
        if (c.getPorts() != null) {
            for (ContainerPort p : c.getPorts()) {
                if (p.getName() != null) {
                    namedPorts.put(p.getName(), p.getContainerPort());
                }
            }
        }
        return namedPorts;
    }

    /** The ClusterIP Service that selects the pods: the load goes through it, as clients' requests do; refused without one. */
    private static Workload.Service service(List<HasMetadata> objects, Map<String, String> labels,
            Map<String, Integer> namedPorts, String source, String where) {
        Optional<Workload.Service> service = objects.stream().filter(o -> o instanceof Service).map(o -> (Service) o)
                .filter(s -> "ClusterIP".equals(s.getSpec().getType()) || s.getSpec().getType() == null)
                .filter(s -> selects(s.getSpec().getSelector(), labels)).findFirst()
                .map(s -> {
                    ServicePort sp = s.getSpec().getPorts().get(0);
                    return new Workload.Service(s.getMetadata().getName(), sp.getPort(),
                            resolvePort(sp.getTargetPort(), namedPorts, sp.getPort(), "Service " + s.getMetadata().getName()));
                });
        if (service.isEmpty()) {
            throw ZerodropException.usage("manifests " + source + ": no ClusterIP Service selects the pods of " + where
                    + " (pod labels " + new TreeMap<>(labels) + "); " + describeServices(objects)
                    + ". zerodrop sends the load through the Service, as clients do: add a Service whose selector"
                    + " matches the pod labels");
        }
        return service.get();
    }

    /** The PodDisruptionBudget that selects the pods, if any. */
    private static Optional<Workload.Budget> budget(List<HasMetadata> objects, Map<String, String> labels) {
        return objects.stream().filter(o -> o instanceof PodDisruptionBudget)
                .map(o -> (PodDisruptionBudget) o)
                .filter(b -> b.getSpec().getSelector() != null
                        && selects(b.getSpec().getSelector().getMatchLabels(), labels))
                .findFirst().map(b -> new Workload.Budget(b.getMetadata().getName(),
                        text(b.getSpec().getMinAvailable(), null), text(b.getSpec().getMaxUnavailable(), null),
                        b.getSpec().getUnhealthyPodEvictionPolicy() == null ? "IfHealthyBudget"
                                : b.getSpec().getUnhealthyPodEvictionPolicy()));
    }

    private static String describeServices(List<HasMetadata> objects) {
        List<String> found = objects.stream().filter(o -> o instanceof Service).map(o -> (Service) o)
                .map(s -> "Service " + s.getMetadata().getName() + " (type " + (s.getSpec().getType() == null
                        ? "ClusterIP" : s.getSpec().getType()) + ", selector " + (s.getSpec().getSelector() == null
                        ? "none" : new TreeMap<>(s.getSpec().getSelector())) + ")").toList();
        return found.isEmpty() ? "the manifests hold no Service" : "found " + String.join(", ", found);
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private static String text(IntOrString v, String dflt) {
        if (v == null) {
            return dflt;
        }
        return v.getIntVal() != null ? String.valueOf(v.getIntVal()) : v.getStrVal();
    }

    private static int resolvePort(IntOrString port, Map<String, Integer> named, int dflt, String where) {
        if (port == null) {
            return dflt;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        Integer p = named.get(port.getStrVal());
        if (p == null) {
            throw ZerodropException.usage(where + " refers to port \"" + port.getStrVal()
                    + "\", which is not a named container port (named ports: " + named.keySet() + ")");
        }
        return p;
    }

    private static Optional<Probe> probe(io.fabric8.kubernetes.api.model.Probe p, Map<String, Integer> named,
            String where) {
        if (p == null) {
            return Optional.empty();
        }
        int initial = p.getInitialDelaySeconds() == null ? 0 : p.getInitialDelaySeconds();
        int period = p.getPeriodSeconds() == null ? 10 : p.getPeriodSeconds();
        int timeout = p.getTimeoutSeconds() == null ? 1 : p.getTimeoutSeconds();
        int success = p.getSuccessThreshold() == null ? 1 : p.getSuccessThreshold();
        int failure = p.getFailureThreshold() == null ? 3 : p.getFailureThreshold();
        if (p.getHttpGet() != null) {
            return Optional.of(new Probe(Probe.HTTP, p.getHttpGet().getPath() == null ? "/" : p.getHttpGet().getPath(),
                    resolvePort(p.getHttpGet().getPort(), named, 0, where), List.of(), 0, initial, period, timeout,
                    success, failure));
        }
        if (p.getTcpSocket() != null) {
            return Optional.of(new Probe(Probe.TCP, "", resolvePort(p.getTcpSocket().getPort(), named, 0, where),
                    List.of(), 0, initial, period, timeout, success, failure));
        }
        if (p.getExec() != null) {
            return Optional.of(new Probe(Probe.EXEC, "", 0, p.getExec().getCommand(), 0, initial, period, timeout,
                    success, failure));
        }
        throw ZerodropException.usage(where + " has no httpGet, tcpSocket or exec action (gRPC probes are not"
                + " supported by the local runtime)");
    }

    private static Optional<Probe> preStop(Container c, Map<String, Integer> named, String where) {
        if (c.getLifecycle() == null || c.getLifecycle().getPreStop() == null) {
            return Optional.empty();
        }
        LifecycleHandler h = c.getLifecycle().getPreStop();
        if (h.getSleep() != null) {
            return Optional.of(new Probe(Probe.SLEEP, "", 0, List.of(), h.getSleep().getSeconds(), 0, 0, 0, 0, 0));
        }
        if (h.getExec() != null) {
            return Optional.of(new Probe(Probe.EXEC, "", 0, h.getExec().getCommand(), 0, 0, 0, 0, 0, 0));
        }
        if (h.getHttpGet() != null) {
            return Optional.of(new Probe(Probe.HTTP, h.getHttpGet().getPath() == null ? "/" : h.getHttpGet().getPath(),
                    resolvePort(h.getHttpGet().getPort(), named, 0, where + " preStop"), List.of(), 0, 0, 0, 0, 0, 0));
        }
        throw ZerodropException.usage(where + " preStop has no exec, httpGet or sleep action");
    }
}
