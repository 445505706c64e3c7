package dev.vigil.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlertContextTest {
    @Test
    void constructor_takesACountAndUpToFiveIds() {
        var context = new AlertContext(42, List.of("t1", "t2", "t3", "t4", "t5"));

        assertThat(context.events()).isEqualTo(42);
        assertThat(context.ids()).containsExactly("t1", "t2", "t3", "t4", "t5");
        assertThat(AlertContext.NONE).isEqualTo(new AlertContext(0, List.of()));
    }

    @Test
    void constructor_refusesMoreIdsThanFiveOrThanEvents_andANegativeCount() {
        assertThatThrownBy(() -> new AlertContext(6, List.of("t1", "t2", "t3", "t4", "t5", "t6")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a context names at most 5 event ids, got 6");
        assertThatThrownBy(() -> new AlertContext(1, List.of("t1", "t2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a context of 1 events cannot name 2 of them");
        assertThatThrownBy(() -> new AlertContext(-1, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a context's events cannot be negative, got -1");
    }
}
