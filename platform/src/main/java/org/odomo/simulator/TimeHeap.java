package org.odomo.simulator;

import java.util.Arrays;

/**
 * The scheduler's agenda: an indexed binary min-heap of (next time, car index) in primitive arrays,
 * so that 100,000 cars cost a few megabytes and rescheduling a car is O(log n) without garbage.
 * Ties go to the lower index, which keeps the order of a run reproducible.
 */
final class TimeHeap {

    private long[] time = new long[16];
    private int[] heap = new int[16];
    private int[] position = filled(16);
    private int size;

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long peekTime() {
        return time[heap[0]];
    }

    int peekIndex() {
        return heap[0];
    }

    /** Schedules {@code index} at {@code at}, or removes it when {@code at} is {@link Long#MAX_VALUE}. */
    void set(int index, long at) {
        ensure(index);
        int pos = position[index];
        if (at == Long.MAX_VALUE) {
            if (pos >= 0) {
                removeAt(pos);
            }
            return;
        }
        if (pos < 0) {
            time[index] = at;
            heap[size] = index;
            position[index] = size;
            up(size++);
            return;
        }
        long old = time[index];
        time[index] = at;
        if (at < old) {
            up(pos);
        } else if (at > old) {
            down(pos);
        }
    }

    long timeOf(int index) {
        return index < position.length && position[index] >= 0 ? time[index] : Long.MAX_VALUE;
    }

    private void ensure(int index) {
        if (index >= position.length) {
            int n = Math.max(index + 1, position.length * 2);
            time = Arrays.copyOf(time, n);
            heap = Arrays.copyOf(heap, n);
            int old = position.length;
            position = Arrays.copyOf(position, n);
            Arrays.fill(position, old, n, -1);
        }
    }

    private void removeAt(int pos) {
        int index = heap[pos];
        position[index] = -1;
        size--;
        if (pos == size) {
            return;
        }
        int last = heap[size];
        heap[pos] = last;
        position[last] = pos;
        up(pos);
        down(position[last]);
    }

    private boolean less(int a, int b) {
        long ta = time[a];
        long tb = time[b];
        return ta < tb || (ta == tb && a < b);
    }

    private void up(int pos) {
        int index = heap[pos];
        while (pos > 0) {
            int parent = (pos - 1) >>> 1;
            int p = heap[parent];
            if (!less(index, p)) {
                break;
            }
            heap[pos] = p;
            position[p] = pos;
            pos = parent;
        }
        heap[pos] = index;
        position[index] = pos;
    }

    private void down(int pos) {
        int index = heap[pos];
        while (true) {
            int child = 2 * pos + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && less(heap[child + 1], heap[child])) {
                child++;
            }
            int c = heap[child];
            if (!less(c, index)) {
                break;
            }
            heap[pos] = c;
            position[c] = pos;
            pos = child;
        }
        heap[pos] = index;
        position[index] = pos;
    }
}
