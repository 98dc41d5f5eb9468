package org.odomo.trip;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a vehicle's samples, taken in measurement order, into trips. Pure: the same machine
 * continues an open trip with one new sample (the common, in-order case) and replays a stretch
 * of the message log when late data forces a rebuild, so both give the same trips.
 *
 * <ul>
 * <li>An ignition {@code Start} event opens a trip; if one is open, that one ends
 * {@code Unfinished} at its last sample (unless it holds nothing but its own start, less than
 * {@link #REPEAT_WINDOW} earlier: the event was repeated).</li>
 * <li>An ignition {@code Stop} event ends the open trip. With no trip open it makes a trip of its
 * own, {@code Unstarted} and without duration, unless it repeats the {@code Stop} that ended the
 * previous trip less than {@link #REPEAT_WINDOW} earlier.</li>
 * <li>A sample showing the ignition on with no trip open opens an {@code Unstarted} trip; one
 * showing it off ends the open trip {@code Unfinished}.</li>
 * <li>Any other sample belongs to the open trip, or to no trip.</li>
 * </ul>
 */
final class TripMachine {

    static final Duration REPEAT_WINDOW = Duration.ofMinutes(2);

    private TripAcc open;
    private boolean closedByStop;
    private Instant lastStopAt;
    private final List<TripAcc> closed = new ArrayList<>();
    private final List<TripAcc> opened = new ArrayList<>();

    private TripMachine() {
    }

    /**
     * A machine with no trip open.
     *
     * @param closedByStop whether the previous trip ended with a {@code Stop} event
     * @param lastStopAt   when the previous trip ended, or null
     */
    static TripMachine idle(boolean closedByStop, Instant lastStopAt) {
        TripMachine m = new TripMachine();
        m.closedByStop = closedByStop;
        m.lastStopAt = lastStopAt;
        return m;
    }

    /** A machine continuing an open trip (changed in place). */
    static TripMachine resume(TripAcc open) {
        TripMachine m = new TripMachine();
        m.open = open;
        return m;
    }

    /** @return whether the sample changed any trip */
    boolean apply(Sample s) {
        if (open != null) {
            switch (s.ignition()) {
                case START_EVENT -> {
                    if (open.samples == 1 && !s.at().isAfter(open.start.at().plus(REPEAT_WINDOW))) {
                        return false;
                    }
                    open.close(TripAcc.End.NEXT, open.last);
                    closed.add(open);
                    open = null;
                    start(s, true);
                }
                case STOP_EVENT -> {
                    open.add(s);
                    finish(TripAcc.End.STOP, s.key());
                }
                case OFF -> {
                    open.add(s);
                    finish(TripAcc.End.OFF, s.key());
                }
                default -> open.add(s);
            }
            return true;
        }
        switch (s.ignition()) {
            case START_EVENT -> start(s, true);
            case ON -> start(s, false);
            case STOP_EVENT -> {
                if (closedByStop && lastStopAt != null && !s.at().isAfter(lastStopAt.plus(REPEAT_WINDOW))) {
                    return false;
                }
                start(s, false);
                finish(TripAcc.End.STOP, s.key());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The trip open now, or null. */
    TripAcc open() {
        return open;
    }

    /** Trips ended by the samples applied so far, in order. */
    List<TripAcc> closed() {
        return closed;
    }

    /** Trips begun by the samples applied so far, in order (some may have ended since). */
    List<TripAcc> opened() {
        return opened;
    }

    private void start(Sample s, boolean startSeen) {
        open = TripAcc.open(s, startSeen);
        opened.add(open);
    }

    private void finish(TripAcc.End how, Key at) {
        open.close(how, at);
        closed.add(open);
        closedByStop = how == TripAcc.End.STOP;
        lastStopAt = at.at();
        open = null;
    }
}
