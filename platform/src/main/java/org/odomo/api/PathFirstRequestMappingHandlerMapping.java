package org.odomo.api;

import java.util.IdentityHashMap;
import java.util.Map;

import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Spring MVC finds the handler of a path with variables (every {@code /user/vehicles/{id}/...})
 * by testing each mapping of the application in turn, checking its method, parameters, headers
 * and media types before its path. Testing the path first rejects nearly all of them at their
 * first differing segment. The mapping chosen is the same: a mapping none of whose patterns
 * matches the path is one the full test rejects too.
 */
class PathFirstRequestMappingHandlerMapping extends RequestMappingHandlerMapping {

    private static final PathPattern[] NO_PATTERNS = {};

    /** The path of the lookup in progress on this thread, read once instead of once per mapping. */
    private static final ThreadLocal<Lookup> LOOKUP = new ThreadLocal<>();

    private record Lookup(PathContainer path, String text) {
    }

    /** A mapping's patterns, each with its literal beginning (the text before any variable). */
    private record Patterns(PathPattern[] patterns, String[] prefixes) {
    }

    /**
     * Each mapping's patterns as an array, by identity: replaced as a whole when a mapping is
     * first seen (mappings are registered at startup), so reads take no lock and hash nothing.
     */
    private volatile Map<RequestMappingInfo, Patterns> patterns = new IdentityHashMap<>();

    @Override
    protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
        if (!ServletRequestPathUtils.hasParsedRequestPath(request)) {
            return super.lookupHandlerMethod(lookupPath, request);
        }
        PathContainer path = ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication();
        LOOKUP.set(new Lookup(path, path.value()));
        try {
            return super.lookupHandlerMethod(lookupPath, request);
        } finally {
            LOOKUP.remove();
        }
    }

    @Override
    protected RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
        Lookup lookup = LOOKUP.get();
        if (lookup == null) {
            return super.getMatchingMapping(info, request);
        }
        Patterns candidates = patterns.get(info);
        if (candidates == null) {
            candidates = remember(info);
        }
        if (candidates.patterns().length == 0) {
            return super.getMatchingMapping(info, request);
        }
        for (int i = 0; i < candidates.patterns().length; i++) {
            if (lookup.text().startsWith(candidates.prefixes()[i]) && candidates.patterns()[i].matches(lookup.path())) {
                return super.getMatchingMapping(info, request);
            }
        }
        return null;
    }

    private synchronized Patterns remember(RequestMappingInfo info) {
        Map<RequestMappingInfo, Patterns> copy = new IdentityHashMap<>(patterns);
        Patterns result = copy.computeIfAbsent(info, PathFirstRequestMappingHandlerMapping::patternsOf);
        patterns = copy;
        return result;
    }

    private static Patterns patternsOf(RequestMappingInfo info) {
        PathPatternsRequestCondition condition = info.getPathPatternsCondition();
        PathPattern[] all = condition == null ? NO_PATTERNS : condition.getPatterns().toArray(PathPattern[]::new);
        String[] prefixes = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            prefixes[i] = literalPrefix(all[i].getPatternString());
        }
        return new Patterns(all, prefixes);
    }

    /**
     * The beginning of a pattern before the last separator that precedes any variable, wildcard
     * or escape: every path the pattern matches starts with it ({@code /a/b{x}} gives {@code /a};
     * not {@code /a/}, since {@code /a/**} also matches {@code /a}).
     */
    static String literalPrefix(String pattern) {
        int end = pattern.length();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{' || c == '*' || c == '?' || c == '\\') {
                end = Math.max(0, pattern.lastIndexOf('/', i));
                break;
            }
        }
        return pattern.substring(0, end);
    }
}
