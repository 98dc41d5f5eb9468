package org.odomo.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class TimeHeapTest {

    @Test
    void popsInTimeThenIndexOrderThroughRandomReschedules() {
        TimeHeap heap = new TimeHeap();
        long[] times = new long[500];
        java.util.Arrays.fill(times, -1);
        TreeSet<long[]> reference = new TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        SplittableRandom random = new SplittableRandom(1);
        for (int step = 0; step < 20_000; step++) {
            int i = random.nextInt(times.length);
            long t = random.nextInt(10) == 0 ? Long.MAX_VALUE : random.nextLong(1000);
            if (times[i] >= 0) {
                reference.remove(new long[] {times[i], i});
            }
            heap.set(i, t);
            times[i] = t == Long.MAX_VALUE ? -1 : t;
            if (t != Long.MAX_VALUE) {
                reference.add(new long[] {t, i});
            }
            assertThat(heap.size()).isEqualTo(reference.size());
            if (!reference.isEmpty()) {
                assertThat(heap.peekTime()).isEqualTo(reference.first()[0]);
                assertThat(heap.peekIndex()).isEqualTo((int) reference.first()[1]);
            }
        }
    }
}
