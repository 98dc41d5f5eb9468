package org.odomo.events;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.stereotype.Component;

/** Tells this node's dispatcher that this node committed new events, so that it need not wait for its next poll. */
@Component
class AppendSignal {

    private final List<Consumer<Set<Integer>>> listeners = new CopyOnWriteArrayList<>();

    void listen(Consumer<Set<Integer>> listener) {
        listeners.add(listener);
    }

    void forget(Consumer<Set<Integer>> listener) {
        listeners.remove(listener);
    }

    /** @param partitions the partitions the committed transaction appended to */
    void committed(Set<Integer> partitions) {
        listeners.forEach(l -> l.accept(partitions));
    }
}
