package dev.kthw.course;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kthw.course.LabMarkers.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab markers: AsciiDoc tags named lab-chNN-TASK around what a student writes. */
class LabMarkersTest {

    @Test
    void findsRegionsWithTheirTaskIndentAndDescription() {
        List<Region> regions = LabMarkers.parse("Demo.java", FixtureCourse.DEMO.lines().toList());
        assertThat(regions).singleElement().satisfies(r -> {
            assertThat(r.chapterTag()).isEqualTo("ch01");
            assertThat(r.task()).isEqualTo("square");
            assertThat(r.indent()).isEqualTo("        ");
            assertThat(r.description()).containsExactly("Return x times x.");
            assertThat(r.end() - r.begin()).isEqualTo(3);
        });
    }

    @Test
    void otherTagsAreNotLabRegions() {
        assertThat(LabMarkers.parse("A.java", List.of("// tag::shown[]", "x", "// end::shown[]"))).isEmpty();
    }

    @Test
    void anUnclosedRegionIsAnError() {
        assertThatThrownBy(() -> LabMarkers.parse("A.java", List.of("// tag::lab-ch01-a[]", "x")))
                .hasMessageContaining("A.java:1").hasMessageContaining("never closed");
    }

    @Test
    void regionsCannotNest() {
        assertThatThrownBy(() -> LabMarkers.parse("A.java",
                List.of("// tag::lab-ch01-a[]", "// tag::lab-ch01-b[]", "// end::lab-ch01-b[]", "// end::lab-ch01-a[]")))
                .hasMessageContaining("A.java:2").hasMessageContaining("cannot nest");
    }

    @Test
    void anEndMustMatchItsBeginning() {
        assertThatThrownBy(() -> LabMarkers.parse("A.java", List.of("// tag::lab-ch01-a[]", "// end::lab-ch02-a[]")))
                .hasMessageContaining("another region");
        assertThatThrownBy(() -> LabMarkers.parse("A.java", List.of("// end::lab-ch01-a[]")))
                .hasMessageContaining("without a beginning");
    }

    @Test
    void aMalformedMarkerIsNotIgnored() {
        assertThatThrownBy(() -> LabMarkers.parse("A.java", List.of("  // tag::lab-ch1-a[]")))
                .hasMessageContaining("malformed lab marker");
    }
}
