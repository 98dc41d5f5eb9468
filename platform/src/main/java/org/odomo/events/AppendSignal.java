package org.odomo.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.stereotype.Component;

/** Tells this node's dispatcher that this node committed new events, so that it need not wait for its next poll. */
@Component
class AppendSignal {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void listen(Runnable listener) {
        listeners.add(listener);
    }

    void forget(Runnable listener) {
        listeners.remove(listener);
    }

    void committed() {
        listeners.forEach(Runnable::run);
    }
}
