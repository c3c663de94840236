package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kthw.api.ObjectMetaValidation;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Tables behind {@code kubectl get} (chapter 01, "What kubectl asks for"). Each expected row
 * is what kube-apiserver's printers ({@code pkg/printers/internalversion/printers.go}) produce
 * for the same object, so kubectl prints the same text as against a real cluster; the comments
 * give the kubectl output line. All ages are counted to {@link #NOW}.
 */
class TablesTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final String FIVE_MINUTES_AGO = "2024-05-01T11:55:00Z";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    // The envelope

    @Test
    void aTableCarriesTheListsVersionAndContinueTokenAndOneRowPerObject() {
        ObjectNode table = Tables.table(type("Namespace"),
                List.of(object("{'metadata':{'name':'default'}}"), object("{'metadata':{'name':'kube-system'}}")),
                "42", "token-1", true, NOW);

        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(table.path("metadata")).isEqualTo(object("{'resourceVersion':'42','continue':'token-1'}"));
        assertThat(table.path("rows")).hasSize(2);
    }

    @Test
    void anEmptyContinueTokenIsLeftOutAsKubernetesOmitsEmptyFields() {
        ObjectNode table = Tables.table(type("Namespace"), List.of(), "42", "", true, NOW);

        assertThat(table.path("metadata")).isEqualTo(object("{'resourceVersion':'42'}"));
        assertThat(table.path("rows").isArray()).isTrue();
        assertThat(table.path("rows")).isEmpty();
    }

    @Test
    void watchEventsAfterTheFirstCarryNoColumnDefinitions() {
        ObjectNode first = Tables.table(type("Pod"), List.of(pod("{}")), "7", "", true, NOW);
        ObjectNode later = Tables.table(type("Pod"), List.of(pod("{}")), "8", "", false, NOW);

        assertThat(first.has("columnDefinitions")).isTrue();
        assertThat(later.has("columnDefinitions")).isFalse();
        assertThat(later.path("rows").path(0).path("cells")).hasSize(9);
    }

    @Test
    void eachRowCarriesACopyOfTheObjectsMetadataAsPartialObjectMetadata() {
        // kubectl reads this for NAMESPACE (-A), --show-labels and -L columns.
        ObjectNode pod = pod("{'metadata':{'name':'web-1','namespace':'shop','labels':{'app':'web'},'uid':'u-1',"
                + "'resourceVersion':'12','creationTimestamp':'" + FIVE_MINUTES_AGO + "'}}");

        JsonNode object = Tables.table(type("Pod"), List.of(pod), "12", "", true, NOW).path("rows").path(0).path("object");

        assertThat(object.path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(object.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(object.path("metadata")).isEqualTo(pod.path("metadata"));
        assertThat(object.has("spec")).isFalse();
        ((ObjectNode) object.path("metadata")).put("name", "changed");
        assertThat(pod.path("metadata").path("name").asText()).isEqualTo("web-1");
    }

    @Test
    void columnDefinitionsHaveAllFiveFieldsAndTheNameColumnIsFormattedAsAName() {
        JsonNode name = Tables.table(type("Pod"), List.of(), "1", "", true, NOW).path("columnDefinitions").path(0);

        assertThat(name.path("name").asText()).isEqualTo("Name");
        assertThat(name.path("type").asText()).isEqualTo("string");
        assertThat(name.path("format").asText()).isEqualTo("name");
        assertThat(name.path("description").asText()).isNotEmpty();
        assertThat(name.path("priority").isInt()).isTrue();
    }

    @Test
    void everyKindPrintsOneCellPerColumnEvenForAnObjectWithOnlyAName() {
        for (ResourceType type : Resources.all()) {
            ObjectNode table = Tables.table(type, List.of(object("{'metadata':{'name':'x'}}")), "1", "", true, NOW);
            assertThat(table.path("rows").path(0).path("cells")).as(type.kind())
                    .hasSameSizeAs(table.path("columnDefinitions"));
            assertThat(table.path("columnDefinitions").findValuesAsText("format")).as(type.kind())
                    .containsOnlyOnce("name");
        }
    }

    @Test
    void wideColumnsHavePriorityOneAndAllOthersZero() {
        // kubectl hides priority > 0 columns unless -o wide; the server always fills them.
        Map<String, List<String>> wide = Map.of(
                "Pod", List.of("IP", "Node", "Nominated Node", "Readiness Gates"),
                "Node", List.of("Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"),
                "Service", List.of("Selector"),
                "Event", List.of("Subobject", "Source", "First Seen", "Count", "Name"),
                "PersistentVolume", List.of("VolumeMode"),
                "PersistentVolumeClaim", List.of("VolumeMode"),
                "Deployment", List.of("Containers", "Images", "Selector"),
                "ReplicaSet", List.of("Containers", "Images", "Selector"),
                "DaemonSet", List.of("Containers", "Images", "Selector"));
        for (ResourceType type : Resources.all()) {
            List<String> priorityOne = new ArrayList<>();
            for (JsonNode column : Tables.table(type, List.of(), "1", "", true, NOW).path("columnDefinitions")) {
                assertThat(column.path("priority").asInt()).as(type.kind()).isIn(0, 1);
                if (column.path("priority").asInt() == 1) {
                    priorityOne.add(column.path("name").asText());
                }
            }
            assertThat(priorityOne).as(type.kind()).isEqualTo(wide.getOrDefault(type.kind(), List.of()));
        }
    }

    @Test
    void aKindWithoutItsOwnColumnsGetsNameAndAge() {
        ResourceType widget = new ResourceType("example.com", "v1", "Widget", "widgets", "widget", true, List.of(),
                List.of(), List.of(), ObjectMetaValidation.DNS_SUBDOMAIN, "widgets");

        ObjectNode table = Tables.table(widget, List.of(object("{'metadata':{'name':'w','creationTimestamp':'"
                + FIVE_MINUTES_AGO + "'}}")), "1", "", true, NOW);

        assertThat(table.path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "Age");
        assertThat(cellsOf(table)).containsExactly("w", "5m");
    }

    // AGE: apimachinery's duration.HumanDuration

    @Test
    void agesKeepTwoOrThreeSignificantFiguresLikeHumanDuration() {
        assertThat(age(Duration.ofSeconds(-2))).isEqualTo("<invalid>");
        assertThat(age(Duration.ofMillis(-1500))).isEqualTo("0s"); // a second of clock skew counts as now
        assertThat(age(Duration.ZERO)).isEqualTo("0s");
        assertThat(age(Duration.ofSeconds(119))).isEqualTo("119s"); // seconds up to two minutes
        assertThat(age(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(age(Duration.ofSeconds(185))).isEqualTo("3m5s"); // minutes and seconds below ten minutes
        assertThat(age(Duration.ofSeconds(599))).isEqualTo("9m59s");
        assertThat(age(Duration.ofSeconds(600))).isEqualTo("10m");
        assertThat(age(Duration.ofMinutes(179))).isEqualTo("179m"); // minutes up to three hours
        assertThat(age(Duration.ofMinutes(180))).isEqualTo("3h");
        assertThat(age(Duration.ofMinutes(7 * 60 + 59))).isEqualTo("7h59m"); // hours and minutes below eight hours
        assertThat(age(Duration.ofHours(8).plusMinutes(59))).isEqualTo("8h");
        assertThat(age(Duration.ofHours(47))).isEqualTo("47h"); // hours up to two days
        assertThat(age(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(age(Duration.ofHours(7 * 24 + 23))).isEqualTo("7d23h"); // days and hours below eight days
        assertThat(age(Duration.ofDays(8).plusHours(5))).isEqualTo("8d");
        assertThat(age(Duration.ofDays(729))).isEqualTo("729d"); // days up to two years
        assertThat(age(Duration.ofDays(730))).isEqualTo("2y");
        assertThat(age(Duration.ofDays(731))).isEqualTo("2y1d"); // years and days below eight years
        assertThat(age(Duration.ofDays(8 * 365))).isEqualTo("8y");
    }

    @Test
    void anObjectWithoutCreationTimestampIsOfUnknownAge() {
        assertThat(cells("Namespace", "{'metadata':{'name':'a'},'status':{'phase':'Active'}}"))
                .containsExactly("a", "Active", "<unknown>");
    }

    // Pod: printPod

    @Test
    void aRunningPodWithARestartedContainer() {
        // NAME   READY   STATUS    RESTARTS     AGE   IP           NODE     NOMINATED NODE   READINESS GATES
        // web-1  2/2     Running   3 (3m ago)   5m    10.244.1.5   node-1   <none>           <none>
        List<Object> cells = cells("Pod", """
                {'metadata':{'name':'web-1','creationTimestamp':'%s'},
                 'spec':{'nodeName':'node-1','containers':[{'name':'app'},{'name':'log'}]},
                 'status':{'phase':'Running','podIP':'10.244.1.5','conditions':[{'type':'Ready','status':'True'}],
                  'containerStatuses':[
                   {'name':'app','ready':true,'restartCount':3,'state':{'running':{}},
                    'lastState':{'terminated':{'exitCode':1,'reason':'Error','finishedAt':'2024-05-01T11:57:00Z'}}},
                   {'name':'log','ready':true,'restartCount':0,'state':{'running':{}}}]}}
                """.formatted(FIVE_MINUTES_AGO));

        assertThat(cells).containsExactly("web-1", "2/2", "Running", "3 (3m ago)", "5m", "10.244.1.5", "node-1",
                "<none>", "<none>");
        assertThat(columnNames("Pod")).containsExactly("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                "Nominated Node", "Readiness Gates");
    }

    @Test
    void aPodWithoutStatusIsPendingAsKubeApiserverSetsOnCreate() {
        assertThat(cells("Pod", pod("{}").toString()))
                .containsExactly("p", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>");
    }

    @Test
    void aWaitingContainerNamesTheStatus() {
        assertThat(podStatus("{'phase':'Pending','containerStatuses':[{'name':'app','ready':false,"
                + "'restartCount':0,'state':{'waiting':{'reason':'ContainerCreating'}}}]}"))
                .isEqualTo("ContainerCreating");
        assertThat(podCells("{}", "{'phase':'Running','containerStatuses':[{'name':'app','restartCount':5,"
                + "'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
                + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T11:59:30Z'}}}]}"))
                .startsWith("p", "0/1", "CrashLoopBackOff", "5 (30s ago)");
    }

    @Test
    void aTerminatedContainerWithoutReasonShowsItsSignalOrExitCode() {
        assertThat(podStatus("{'phase':'Running','containerStatuses':[{'name':'app',"
                + "'state':{'terminated':{'exitCode':137,'signal':9}}}]}")).isEqualTo("Signal:9");
        assertThat(podStatus("{'phase':'Failed','containerStatuses':[{'name':'app',"
                + "'state':{'terminated':{'exitCode':2}}}]}")).isEqualTo("ExitCode:2");
    }

    @Test
    void aPodReasonSuchAsEvictedReplacesThePhase() {
        assertThat(podStatus("{'phase':'Failed','reason':'Evicted'}")).isEqualTo("Evicted");
    }

    @Test
    void aPodBeingDeletedIsTerminatingUnlessItHadAlreadyFinished() {
        String running = "{'phase':'Running','containerStatuses':[{'name':'app','ready':true,'state':{'running':{}}}]}";
        String deleted = "{'metadata':{'deletionTimestamp':'2024-05-01T11:59:00Z'}}";
        assertThat(podCells(deleted, running).get(2)).isEqualTo("Terminating");
        assertThat(podCells(deleted, "{'phase':'Succeeded','containerStatuses':[{'name':'app',"
                + "'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}").get(2)).isEqualTo("Completed");
        assertThat(podCells(deleted, "{'phase':'Running','reason':'NodeLost'}").get(2)).isEqualTo("Unknown");
    }

    @Test
    void initContainersExplainThePodUntilTheyAreDone() {
        String twoInits = "{'spec':{'initContainers':[{'name':'a'},{'name':'b'}],'containers':[{'name':'app'}]}}";
        assertThat(podCells(twoInits, "{'phase':'Pending','initContainerStatuses':["
                + "{'name':'a','state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
                + "{'name':'b','state':{'waiting':{'reason':'PodInitializing'}}}]}").get(2)).isEqualTo("Init:1/2");
        assertThat(podCells(twoInits, "{'phase':'Pending','initContainerStatuses':["
                + "{'name':'a','restartCount':2,'state':{'waiting':{'reason':'CrashLoopBackOff'}}}]}"))
                .startsWith("p", "0/1", "Init:CrashLoopBackOff", "2");
        assertThat(podCells(twoInits, "{'phase':'Pending','initContainerStatuses':["
                + "{'name':'a','state':{'terminated':{'exitCode':1}}}]}").get(2)).isEqualTo("Init:ExitCode:1");
    }

    @Test
    void aCompletedContainerBesideRunningOnesShowsRunningOrNotReady() {
        String statuses = "'containerStatuses':[{'name':'job','state':{'terminated':{'exitCode':0,'reason':'Completed'}}},"
                + "{'name':'app','ready':true,'state':{'running':{}}}]";
        String spec = "{'spec':{'containers':[{'name':'job'},{'name':'app'}]}}";
        assertThat(podCells(spec, "{'phase':'Running','conditions':[{'type':'Ready','status':'True'}]," + statuses + "}"))
                .startsWith("p", "1/2", "Running");
        assertThat(podCells(spec, "{'phase':'Running'," + statuses + "}").get(2)).isEqualTo("NotReady");
    }

    @Test
    void aPodHeldBySchedulingGatesIsSchedulingGated() {
        assertThat(podStatus("{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False',"
                + "'reason':'SchedulingGated'}]}")).isEqualTo("SchedulingGated");
    }

    @Test
    void aStartedSidecarCountsAsAContainer() {
        // An init container with restartPolicy Always runs beside the app containers (Kubernetes 1.29+).
        List<Object> cells = podCells("{'spec':{'initContainers':[{'name':'proxy','restartPolicy':'Always'}],"
                + "'containers':[{'name':'app'}]}}", """
                {'phase':'Running','conditions':[{'type':'Initialized','status':'True'},{'type':'Ready','status':'True'}],
                 'initContainerStatuses':[{'name':'proxy','started':true,'ready':true,'restartCount':1,
                   'state':{'running':{}},'lastState':{'terminated':{'exitCode':1,'finishedAt':'2024-05-01T11:50:00Z'}}}],
                 'containerStatuses':[{'name':'app','ready':true,'state':{'running':{}}}]}
                """);
        assertThat(cells).startsWith("p", "2/2", "Running", "1 (10m ago)");
    }

    @Test
    void readinessGatesCountTheirTrueConditionsAndTheIpMayComeFromPodIPs() {
        List<Object> cells = podCells("{'spec':{'readinessGates':[{'conditionType':'lb/ready'},"
                        + "{'conditionType':'mesh/ready'}],'containers':[{'name':'app'}]}}",
                "{'phase':'Running','podIPs':[{'ip':'10.244.2.9'}],'nominatedNodeName':'node-2',"
                        + "'conditions':[{'type':'lb/ready','status':'True'},{'type':'mesh/ready','status':'False'}]}");
        assertThat(cells.subList(5, 9)).containsExactly("10.244.2.9", "<none>", "node-2", "1/2");
    }

    // The other kinds, each as its printer in printers.go

    @Test
    void aNodeShowsReadinessRolesAndVersions() {
        // printNode: NAME STATUS ROLES AGE VERSION, wide INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME
        List<Object> cells = cells("Node", """
                {'metadata':{'name':'cp-1','creationTimestamp':'2024-04-29T12:00:00Z',
                  'labels':{'node-role.kubernetes.io/control-plane':'','kubernetes.io/role':'master'}},
                 'status':{'conditions':[{'type':'MemoryPressure','status':'False'},{'type':'Ready','status':'True'}],
                  'addresses':[{'type':'InternalIP','address':'192.168.1.10'},{'type':'Hostname','address':'cp-1'}],
                  'nodeInfo':{'kubeletVersion':'v1.32.0','osImage':'Ubuntu 24.04 LTS',
                   'kernelVersion':'6.8.0-31-generic','containerRuntimeVersion':'containerd://1.7.12'}}}
                """);
        assertThat(cells).containsExactly("cp-1", "Ready", "control-plane,master", "2d", "v1.32.0", "192.168.1.10",
                "<none>", "Ubuntu 24.04 LTS", "6.8.0-31-generic", "containerd://1.7.12");
        assertThat(columnNames("Node")).containsExactly("Name", "Status", "Roles", "Age", "Version", "Internal-IP",
                "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime");
    }

    @Test
    void aCordonedNodeThatStoppedReportingIsNotReadySchedulingDisabled() {
        assertThat(cells("Node", "{'metadata':{'name':'w-1'},'spec':{'unschedulable':true},"
                + "'status':{'conditions':[{'type':'Ready','status':'Unknown'}]}}"))
                .startsWith("w-1", "NotReady,SchedulingDisabled", "<none>");
        assertThat(cells("Node", "{'metadata':{'name':'new'}}"))
                .containsExactly("new", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>",
                        "<unknown>", "<unknown>");
    }

    @Test
    void servicesShowTheirAddressesAndPortsByType() {
        // printService: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, wide SELECTOR
        assertThat(service("{'type':'ClusterIP','clusterIP':'10.96.0.1','clusterIPs':['10.96.0.1'],"
                + "'ports':[{'name':'https','port':443,'protocol':'TCP','targetPort':6443}]}", "{}"))
                .containsExactly("svc", "ClusterIP", "10.96.0.1", "<none>", "443/TCP", "5m", "<none>");
        assertThat(service("{'type':'NodePort','clusterIP':'10.96.4.7','selector':{'tier':'front','app':'web'},"
                + "'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'},{'port':53,'protocol':'UDP'}]}", "{}"))
                .containsExactly("svc", "NodePort", "10.96.4.7", "<none>", "80:30080/TCP,53/UDP", "5m",
                        "app=web,tier=front");
        assertThat(service("{'type':'LoadBalancer','clusterIP':'10.96.0.9','ports':[{'port':80,'nodePort':31000}]}",
                "{}").get(3)).isEqualTo("<pending>");
        assertThat(service("{'type':'LoadBalancer','clusterIP':'10.96.0.9','externalIPs':['198.51.100.7']}",
                "{'loadBalancer':{'ingress':[{'ip':'203.0.113.10'},{'hostname':'lb.example.com'}]}}").get(3))
                .isEqualTo("203.0.113.10,lb.example.com,198.51.100.7");
        assertThat(service("{'clusterIP':'None','selector':{'app':'db'}}", "{}"))
                .startsWith("svc", "ClusterIP", "None", "<none>", "<none>");
        assertThat(service("{'type':'ExternalName','externalName':'db.example.com'}", "{}"))
                .startsWith("svc", "ExternalName", "<none>", "db.example.com");
    }

    @Test
    void endpointsListAddressPortPairsThreeAtMost() {
        // printEndpoints: kubectl get endpoints → web   10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...   5m
        assertThat(cells("Endpoints", meta("web") + ",'subsets':[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'}],"
                + "'notReadyAddresses':[{'ip':'10.0.0.3'}],'ports':[{'port':80},{'port':443}]}]}"))
                .containsExactly("web", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "5m");
        assertThat(cells("Endpoints", meta("v6") + ",'subsets':[{'addresses':[{'ip':'fd00::1'}],'ports':[{'port':80}]}]}"))
                .containsExactly("v6", "[fd00::1]:80", "5m");
        assertThat(cells("Endpoints", meta("none") + "}")).containsExactly("none", "<none>", "5m");
    }

    @Test
    void configMapsAndSecretsCountTheirKeysAsJsonNumbers() {
        ObjectNode table = Tables.table(type("ConfigMap"), List.of(object(meta("cfg")
                + ",'data':{'a':'1','b':'2'},'binaryData':{'c':'AA=='}}")), "1", "", true, NOW);
        assertThat(table.path("rows").path(0).path("cells").path(1).isIntegralNumber()).isTrue();
        assertThat(cellsOf(table)).containsExactly("cfg", 3L, "5m");

        assertThat(cells("Secret", meta("tls") + ",'type':'kubernetes.io/tls','data':{'tls.crt':'','tls.key':''}}"))
                .containsExactly("tls", "kubernetes.io/tls", 2L, "5m");
        assertThat(cells("Secret", meta("plain") + ",'stringData':{'password':'s3cret'}}"))
                .containsExactly("plain", "Opaque", 1L, "5m");
        assertThat(columnNames("Secret")).containsExactly("Name", "Type", "Data", "Age");
    }

    @Test
    void serviceAccountsCountTheirSecrets() {
        assertThat(cells("ServiceAccount", meta("default") + "}")).containsExactly("default", 0L, "5m");
    }

    @Test
    void anEventPrintsEveryColumnWithTheWideOnesInTheirPlaces() {
        // printEvent: LAST SEEN TYPE REASON OBJECT [SUBOBJECT SOURCE] MESSAGE [FIRST SEEN COUNT NAME]
        List<Object> cells = cells("Event", """
                {'metadata':{'name':'web-1.17c3a','creationTimestamp':'2024-05-01T11:50:00Z'},
                 'involvedObject':{'kind':'Pod','name':'web-1','fieldPath':'spec.containers{app}'},
                 'reason':'Pulled','message':'Successfully pulled image nginx\\n','type':'Normal',
                 'source':{'component':'kubelet','host':'node-1'},
                 'firstTimestamp':'2024-05-01T11:50:00Z','lastTimestamp':'2024-05-01T11:58:00Z','count':3}
                """);
        assertThat(cells).containsExactly("2m", "Normal", "Pulled", "pod/web-1", "spec.containers{app}",
                "kubelet, node-1", "Successfully pulled image nginx", "10m", 3L, "web-1.17c3a");
        assertThat(columnNames("Event")).containsExactly("Last Seen", "Type", "Reason", "Object", "Subobject",
                "Source", "Message", "First Seen", "Count", "Name");
    }

    @Test
    void anEventWithOnlyAnEventTimeCountsOnceAndNamesItsReportingComponent() {
        List<Object> cells = cells("Event", "{'metadata':{'name':'e'},'eventTime':'2024-05-01T11:59:50.123456Z',"
                + "'reportingComponent':'default-scheduler','reason':'Scheduled','type':'Normal',"
                + "'involvedObject':{'kind':'Pod','name':'web-1'},'message':'Successfully assigned default/web-1'}");
        // 9.88 seconds ago: HumanDuration drops the fraction, it does not round.
        assertThat(cells).containsExactly("9s", "Normal", "Scheduled", "pod/web-1", "", "default-scheduler",
                "Successfully assigned default/web-1", "9s", 1L, "e");
    }

    @Test
    void persistentVolumesAndClaimsShowCapacityModesAndBinding() {
        assertThat(cells("PersistentVolume", meta("pv-1") + ",'spec':{'capacity':{'storage':'10Gi'},"
                + "'accessModes':['ReadWriteMany','ReadWriteOnce'],'persistentVolumeReclaimPolicy':'Delete',"
                + "'storageClassName':'standard','claimRef':{'namespace':'default','name':'data'}},"
                + "'status':{'phase':'Bound'}}"))
                .containsExactly("pv-1", "10Gi", "RWO,RWX", "Delete", "Bound", "default/data", "standard",
                        "<unset>", "", "5m", "Filesystem");
        assertThat(columnNames("PersistentVolume")).containsExactly("Name", "Capacity", "Access Modes",
                "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass", "Reason", "Age",
                "VolumeMode");

        String claimSpec = "'storageClassName':'standard','resources':{'requests':{'storage':'5Gi'}}";
        assertThat(cells("PersistentVolumeClaim", meta("data") + ",'spec':{" + claimSpec + ",'volumeName':'pv-1'},"
                + "'status':{'phase':'Bound','accessModes':['ReadWriteOnce'],'capacity':{'storage':'10Gi'}}}"))
                .containsExactly("data", "Bound", "pv-1", "10Gi", "RWO", "standard", "<unset>", "5m", "Filesystem");
        assertThat(cells("PersistentVolumeClaim", meta("data") + ",'spec':{" + claimSpec + "}}"))
                .containsExactly("data", "Pending", "", "", "", "standard", "<unset>", "5m", "Filesystem");
        assertThat(columnNames("PersistentVolumeClaim")).containsExactly("Name", "Status", "Volume", "Capacity",
                "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode");
    }

    @Test
    void aDeploymentShowsReadyOverDesiredAndItsBareSelector() {
        // printDeployment: web   2/3   3   2   5m   nginx   nginx:1.25   app=web
        List<Object> cells = cells("Deployment", meta("web") + ",'spec':{'replicas':3,"
                + "'selector':{'matchLabels':{'app':'web'}},"
                + "'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.25'}]}}},"
                + "'status':{'replicas':3,'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2}}");
        assertThat(cells).containsExactly("web", "2/3", 3L, 2L, "5m", "nginx", "nginx:1.25", "app=web");
        assertThat(columnNames("Deployment")).containsExactly("Name", "Ready", "Up-to-date", "Available", "Age",
                "Containers", "Images", "Selector");
    }

    @Test
    void selectorsPrintTheirRequirementsSortedByKeyAsKubectlLWouldTakeThem() {
        List<Object> cells = cells("Deployment", meta("web") + ",'spec':{'selector':{'matchLabels':{'app':'web'},"
                + "'matchExpressions':[{'key':'tier','operator':'In','values':['front','back']},"
                + "{'key':'canary','operator':'DoesNotExist'}]}}}");
        assertThat(cells).containsExactly("web", "0/1", 0L, 0L, "5m", "", "", "app=web,!canary,tier in (back,front)");
    }

    @Test
    void aReplicaSetShowsDesiredCurrentAndReadyAsIntegers() {
        List<Object> cells = cells("ReplicaSet", meta("web-5d9c8") + ",'spec':{'replicas':3,"
                + "'selector':{'matchLabels':{'app':'web','pod-template-hash':'5d9c8'}},"
                + "'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.25'},"
                + "{'name':'log','image':'busybox'}]}}},'status':{'replicas':3,'readyReplicas':1}}");
        assertThat(cells).containsExactly("web-5d9c8", 3L, 3L, 1L, "5m", "nginx,log", "nginx:1.25,busybox",
                "app=web,pod-template-hash=5d9c8");
        assertThat(typesOf("ReplicaSet")).containsExactly("string", "integer", "integer", "integer", "string",
                "string", "string", "string");
    }

    @Test
    void aDaemonSetShowsItsNodeCountsAndNodeSelector() {
        List<Object> cells = cells("DaemonSet", meta("agent") + ",'spec':{'selector':{'matchLabels':{'app':'agent'}},"
                + "'template':{'spec':{'nodeSelector':{'kubernetes.io/os':'linux'},"
                + "'containers':[{'name':'agent','image':'agent:2'}]}}},'status':{'desiredNumberScheduled':2,"
                + "'currentNumberScheduled':2,'numberReady':1,'updatedNumberScheduled':2,'numberAvailable':1}}");
        assertThat(cells).containsExactly("agent", 2L, 2L, 1L, 2L, 1L, "kubernetes.io/os=linux", "5m", "agent",
                "agent:2", "app=agent");
        assertThat(columnNames("DaemonSet")).containsExactly("Name", "Desired", "Current", "Ready", "Up-to-date",
                "Available", "Node Selector", "Age", "Containers", "Images", "Selector");
    }

    @Test
    void aLeaseShowsItsHolder() {
        assertThat(cells("Lease", meta("node-1") + ",'spec':{'holderIdentity':'node-1','leaseDurationSeconds':40}}"))
                .containsExactly("node-1", "node-1", "5m");
    }

    @Test
    void aPriorityClassShowsItsValueAsANumberAndGlobalDefaultAsABoolean() {
        // kubectl get pc: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY, all without -o wide
        assertThat(cells("PriorityClass", meta("high") + ",'value':1000,'globalDefault':true,"
                + "'preemptionPolicy':'Never'}")).containsExactly("high", 1000L, true, "5m", "Never");
        assertThat(cells("PriorityClass", meta("plain") + ",'value':-5}"))
                .containsExactly("plain", -5L, false, "5m", "PreemptLowerPriority");
        assertThat(columnNames("PriorityClass")).containsExactly("Name", "Value", "Global-Default", "Age",
                "PreemptionPolicy");
        assertThat(typesOf("PriorityClass")).containsExactly("string", "integer", "boolean", "string", "string");
    }

    @Test
    void anEndpointSliceShowsPortsAndAddresses() {
        assertThat(cells("EndpointSlice", meta("web-abc12") + ",'addressType':'IPv4',"
                + "'ports':[{'name':'http','port':80,'protocol':'TCP'}],"
                + "'endpoints':[{'addresses':['10.244.1.5']},{'addresses':['10.244.2.7']}]}"))
                .containsExactly("web-abc12", "IPv4", "80", "10.244.1.5,10.244.2.7", "5m");
        assertThat(cells("EndpointSlice", meta("empty") + ",'addressType':'IPv4'}"))
                .containsExactly("empty", "IPv4", "<unset>", "<unset>", "5m");
    }

    @Test
    void aNamespaceShowsItsPhase() {
        assertThat(cells("Namespace", meta("default") + ",'status':{'phase':'Active'}}"))
                .containsExactly("default", "Active", "5m");
    }

    // Helpers

    private static ResourceType type(String kind) {
        return Resources.all().stream().filter(t -> t.kind().equals(kind)).findFirst().orElseThrow();
    }

    /** JSON written with single quotes, to keep Java strings readable. */
    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The start of an object named {@code name}, created five minutes before {@link #NOW}. */
    private static String meta(String name) {
        return "{'metadata':{'name':'" + name + "','creationTimestamp':'" + FIVE_MINUTES_AGO + "'}";
    }

    /** A pod named p with one container, created five minutes ago, merged with {@code overrides}. */
    private static ObjectNode pod(String overrides) {
        ObjectNode pod = object(meta("p") + ",'spec':{'containers':[{'name':'app'}]}}");
        object(overrides).fields().forEachRemaining(field -> {
            if (pod.path(field.getKey()).isObject()) {
                ((ObjectNode) pod.get(field.getKey())).setAll((ObjectNode) field.getValue());
            } else {
                pod.set(field.getKey(), field.getValue());
            }
        });
        return pod;
    }

    private static List<Object> podCells(String overrides, String status) {
        ObjectNode pod = pod(overrides);
        pod.set("status", object(status));
        return cellsOf(Tables.table(type("Pod"), List.of(pod), "1", "", true, NOW));
    }

    private static String podStatus(String status) {
        return (String) podCells("{}", status).get(2);
    }

    private static List<Object> service(String spec, String status) {
        return cells("Service", meta("svc") + ",'spec':" + spec + ",'status':" + status + "}");
    }

    private static List<Object> cells(String kind, String json) {
        return cellsOf(Tables.table(type(kind), List.of(object(json)), "1", "", true, NOW));
    }

    /** The first row's cells as Java values: Long for JSON integers, Boolean for booleans, String for strings. */
    private static List<Object> cellsOf(ObjectNode table) {
        List<Object> cells = new ArrayList<>();
        for (JsonNode cell : table.path("rows").path(0).path("cells")) {
            cells.add(cell.isIntegralNumber() ? (Object) cell.asLong()
                    : cell.isBoolean() ? (Object) cell.booleanValue() : cell.textValue());
        }
        return cells;
    }

    private static List<String> columnNames(String kind) {
        return Tables.table(type(kind), List.of(), "1", "", true, NOW).path("columnDefinitions").findValuesAsText("name");
    }

    private static List<String> typesOf(String kind) {
        return Tables.table(type(kind), List.of(), "1", "", true, NOW).path("columnDefinitions").findValuesAsText("type");
    }

    private static String age(Duration d) {
        return Tables.humanDuration(d);
    }
}
