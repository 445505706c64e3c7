package dev.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A commit point survives its trip through the offset's metadata, and what is not Vigil's is not read as one. */
class CommitPointTest {
    @Test
    void aPoint_readsBackAsItWasWritten() {
        var point = new CommitPoint(10, 42, 1_763_632_800_000L, 1_763_632_799_000L);
        assertThat(CommitPoint.parse(point.format())).isEqualTo(point);
        var start = new CommitPoint(0, 0, Long.MIN_VALUE, Long.MIN_VALUE);
        assertThat(CommitPoint.parse(start.format())).isEqualTo(start);
    }

    @Test
    void metadataThatIsNotVigils_isNoPoint() {
        assertThat(CommitPoint.parse(null)).isNull();
        assertThat(CommitPoint.parse("")).isNull();
        assertThat(CommitPoint.parse("committed by a tool")).isNull();
        assertThat(CommitPoint.parse("vigil/1 rebuild=1 resume=2 watermark=3")).as("a value missing").isNull();
        assertThat(CommitPoint.parse("vigil/1 rebuild=x resume=2 watermark=3 clock=4")).as("not a number").isNull();
        assertThat(CommitPoint.parse("vigil/1 rebuild=5 resume=2 watermark=3 clock=4")).as("a rebuild past the resume").isNull();
        assertThat(CommitPoint.parse("vigil/2 rebuild=1 resume=2 watermark=3 clock=4")).as("another format").isNull();
    }
}
