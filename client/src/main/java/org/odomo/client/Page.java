package org.odomo.client;

import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A page of a collection, as the server cut it, with what it says of the whole collection. The
 * following pages are read on demand by following the server's {@code next} link: {@link #next()}
 * reads one, {@link #stream()} and {@link #iterator()} go through the items of this page and all
 * the following ones.
 *
 * <p>A collection that changes while it is being read (a new trip starting) shifts its items from
 * one page to the next: read a fixed time range ({@link PageRequest#until}) for a stable one.
 *
 * @param <T> the items
 */
public final class Page<T> implements Iterable<T> {

    private final List<T> items;
    private final long total;
    private final int totalPages;
    private final int currentPage;
    private final URI next;
    private final Function<URI, Page<T>> follow;

    Page(List<T> items, long total, int totalPages, int currentPage, URI next, Function<URI, Page<T>> follow) {
        this.items = List.copyOf(items);
        this.total = total;
        this.totalPages = totalPages;
        this.currentPage = currentPage;
        this.next = next;
        this.follow = follow;
    }

    /** The items of this page. */
    public List<T> items() {
        return items;
    }

    /** How many items the whole collection holds (within the request's ranges). */
    public long total() {
        return total;
    }

    /** How many pages the collection makes. */
    public int totalPages() {
        return totalPages;
    }

    /** This page's number, from 1. */
    public int currentPage() {
        return currentPage;
    }

    /** Whether the server links to a next page. */
    public boolean hasNext() {
        return next != null;
    }

    /** Reads the next page. */
    public Page<T> next() {
        if (next == null) {
            throw new NoSuchElementException("this is the last page");
        }
        return follow.apply(next);
    }

    /** This page and the following ones, each read when the stream reaches it. */
    public Stream<Page<T>> pages() {
        return Stream.iterate(this, Objects::nonNull, page -> page.hasNext() ? page.next() : null);
    }

    /** The items of this page and of the following ones, each page read when the stream reaches it. */
    public Stream<T> stream() {
        return pages().flatMap(page -> page.items().stream());
    }

    /** Goes through the items of this page and of the following ones. */
    @Override
    public Iterator<T> iterator() {
        return stream().iterator();
    }

    @Override
    public String toString() {
        return "Page[" + currentPage + "/" + totalPages + ", " + items.size() + " of " + total + " items]";
    }
}
