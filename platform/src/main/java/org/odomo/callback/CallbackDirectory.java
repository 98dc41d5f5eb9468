package org.odomo.callback;

import java.util.Optional;

import org.odomo.callback.CallbackStore.Owner;
import org.odomo.callback.Subscription.Type;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What the features that notify through callbacks (monitors, remotes) may ask of them. */
@Service
public class CallbackDirectory {

    private final CallbackStore store;

    CallbackDirectory(CallbackStore store) {
        this.store = store;
    }

    /**
     * The channel ({@code webhook}, {@code websocket} or {@code pushnotif}) of the callback if it
     * belongs to this (user, app) pair and accepts monitor notifications; empty otherwise, whether
     * it does not exist, is another pair's or serves remotes only.
     */
    @Transactional(readOnly = true)
    public Optional<String> monitorChannel(long accountId, String clientId, String callbackId) {
        return store.find(callbackId, new Owner(accountId, clientId)).filter(s -> s.subscription().serves(Type.Monitor))
                .map(s -> s.subscription().channel().name());
    }

    /**
     * The channel of the callback if it belongs to this (user, app) pair and accepts remote
     * notifications; empty otherwise, whether it does not exist, is another pair's or serves
     * monitors only.
     */
    @Transactional(readOnly = true)
    public Optional<String> remoteChannel(long accountId, String clientId, String callbackId) {
        return store.find(callbackId, new Owner(accountId, clientId)).filter(s -> s.subscription().serves(Type.Remote))
                .map(s -> s.subscription().channel().name());
    }
}
