package dev.kthw.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The type model (chapter 01, The shape of objects): every served kind is described,
 * names and protobuf numbers are those of Kubernetes' generated.proto, and the file is
 * consistent.
 */
class ApiTypesTest {

    @Test
    void everyServedKindHasATopLevelType() {
        for (ResourceType resource : Resources.all()) {
            ApiTypes.Type type = ApiTypes.of(resource);
            assertThat(type.fields().get(0).name()).as(resource.kind()).isEqualTo("metadata");
            assertThat(type.fields().get(0).number()).isEqualTo(1);
        }
    }

    @Test
    void fieldNamesAndNumbersAreUniqueInEveryType() {
        for (ApiTypes.Type type : ApiTypes.all()) {
            Set<Integer> numbers = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (ApiTypes.Field f : type.fields()) {
                assertThat(numbers.add(f.number())).as(type.name() + " number " + f.number()).isTrue();
                assertThat(names.add(f.name())).as(type.name() + "." + f.name()).isTrue();
                assertThat(f.description()).as(type.name() + "." + f.name()).isNotBlank();
            }
            assertThat(ApiTypes.jsonFields(type)).isNotEmpty();
        }
    }

    @Test
    void numbersAreThoseOfGeneratedProto() {
        // spot checks against k8s.io/api core/v1 and apimachinery meta/v1 generated.proto
        assertThat(field("io.k8s.api.core.v1.Container", "env").number()).isEqualTo(7);
        assertThat(field("io.k8s.api.core.v1.Container", "envFrom").number()).isEqualTo(19);
        assertThat(field("io.k8s.api.core.v1.PodSpec", "initContainers").number()).isEqualTo(20);
        assertThat(field("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "managedFields").number()).isEqualTo(17);
        assertThat(field("io.k8s.api.core.v1.ServicePort", "targetPort").element()).isEqualTo("IntOrString");
        ApiTypes.Field data = field("io.k8s.api.core.v1.Secret", "data");
        assertThat(data.container()).isEqualTo(ApiTypes.Container.MAP);
        assertThat(data.element()).isEqualTo("bytes");
    }

    @Test
    void namesResolveInTheirOwnPackageFirst() {
        assertThat(field("io.k8s.api.discovery.v1.EndpointSlice", "ports").element())
                .isEqualTo("io.k8s.api.discovery.v1.EndpointPort");
        assertThat(field("io.k8s.api.core.v1.EndpointSubset", "ports").element())
                .isEqualTo("io.k8s.api.core.v1.EndpointPort");
        assertThat(field("io.k8s.api.apps.v1.DeploymentSpec", "template").element())
                .isEqualTo("io.k8s.api.core.v1.PodTemplateSpec");
    }

    @Test
    void inlineFieldsAppearAtTheirParentsLevelInJson() {
        assertThat(ApiTypes.jsonFields(ApiTypes.type("io.k8s.api.core.v1.Volume")))
                .containsKeys("name", "configMap", "emptyDir").doesNotContainKey("volumeSource");
        assertThat(ApiTypes.jsonFields(ApiTypes.type("io.k8s.api.core.v1.ConfigMapKeySelector")))
                .containsKeys("name", "key", "optional");
    }

    @Test
    void aMistakeInTheFileIsReportedWithItsLine() {
        assertThatThrownBy(() -> ApiTypes.parse("package a\ntype T -- t\n  f  Missing  = 1  -- f\n"))
                .hasMessageContaining("type Missing is not defined");
        assertThatThrownBy(() -> ApiTypes.parse("package a\ntype T -- t\n  f  string  = 1  bogus -- f\n"))
                .hasMessageContaining("line 3").hasMessageContaining("unknown option bogus");
    }

    private static ApiTypes.Field field(String type, String name) {
        return ApiTypes.type(type).fields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }
}
