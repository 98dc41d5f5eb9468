package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * Accessibility basics and self-containment of a page, checked in the real browser: a language,
 * a title, one {@code h1}, a main landmark, a label for every field, a name for every button and
 * link, a visible focus indicator on everything reachable with the keyboard, and nothing loaded
 * from another origin (no CDN, fonts or trackers).
 */
final class PageChecks {

    private static final String STATIC_CHECKS = """
            const problems = [];
            const lang = document.documentElement.getAttribute('lang');
            if (!lang || !lang.trim()) problems.push('the html element has no lang');
            if (!document.title.trim()) problems.push('the page has no title');
            const h1 = document.querySelectorAll('h1');
            if (h1.length !== 1) problems.push('expected one h1, found ' + h1.length);
            if (document.querySelectorAll('main').length !== 1) problems.push('expected one main landmark');
            const text = el => (el ? el.textContent.replace(/\\s+/g, ' ').trim() : '');
            const byIds = ids => (ids || '').split(/\\s+/).filter(Boolean)
                .map(id => text(document.getElementById(id))).join(' ').trim();
            for (const el of document.querySelectorAll('input, select, textarea')) {
              if (el.type === 'hidden') continue;
              const forLabel = el.id ? text(document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) : '';
              const name = forLabel || text(el.closest('label')) || (el.getAttribute('aria-label') || '').trim()
                  || byIds(el.getAttribute('aria-labelledby'));
              if (!name) problems.push('field without a label: ' + (el.name || el.outerHTML));
            }
            for (const b of document.querySelectorAll('button, input[type=submit], input[type=button], [role=button]')) {
              const visible = text(b) || (b.value || '').trim();
              const aria = (b.getAttribute('aria-label') || '').trim() || byIds(b.getAttribute('aria-labelledby'));
              const name = aria || visible;
              if (!name) problems.push('button without an accessible name: ' + b.outerHTML);
              if (aria && visible && !aria.toLowerCase().includes(visible.toLowerCase()))
                problems.push('accessible name "' + aria + '" does not contain the visible text "' + visible + '"');
            }
            for (const a of document.querySelectorAll('a[href]')) {
              if (!text(a) && !(a.getAttribute('aria-label') || '').trim()) problems.push('link without a name: ' + a.outerHTML);
            }
            const origin = location.origin;
            const foreign = url => { try { return new URL(url, location.href).origin !== origin; } catch (e) { return true; } };
            for (const r of performance.getEntriesByType('resource')) {
              if (foreign(r.name)) problems.push('loaded from another origin: ' + r.name);
            }
            for (const el of document.querySelectorAll('[src], link[href], [srcset]')) {
              const url = el.getAttribute('src') || el.getAttribute('href');
              if (url && foreign(url)) problems.push('refers to another origin: ' + el.outerHTML);
            }
            return problems;
            """;

    private PageChecks() {
    }

    /** Runs every check on the page the browser shows; fails with the list of problems. */
    static void assertAccessibleAndSelfContained(Chromium browser) {
        @SuppressWarnings("unchecked")
        List<String> problems = new ArrayList<>((List<String>) browser.script(STATIC_CHECKS));
        problems.addAll(focusProblems(browser));
        assertThat(problems).as("accessibility and self-containment of " + browser.url()).isEmpty();
    }

    /**
     * Tabs through the page from the top and checks that every focusable element is reached and
     * shows a clear focus indicator (an outline of at least 2px, or a box shadow).
     */
    static List<String> focusProblems(Chromium browser) {
        long focusable = (Long) browser.script("""
                return [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
                    .filter(e => !e.disabled && e.offsetParent !== null).length;""");
        // Start from the top of the page, as a keyboard user arriving on it does: focus a
        // temporary element placed first (out of the tab order), so the first Tab goes to the
        // first focusable element whatever the page focused by itself.
        browser.script("""
                const start = document.createElement('span');
                start.id = '__focus_start'; start.tabIndex = -1;
                document.body.prepend(start); start.focus(); window.scrollTo(0, 0);""");
        List<String> problems = new ArrayList<>();
        List<String> reached = new ArrayList<>();
        for (int i = 0; i < focusable; i++) {
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
            @SuppressWarnings("unchecked")
            Map<String, Object> focus = (Map<String, Object>) browser.script("""
                    const el = document.activeElement;
                    if (!el || el === document.body) return null;
                    const s = getComputedStyle(el);
                    return {
                      what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[' + el.name + ']' : '')
                          + ' "' + (el.textContent || el.value || '').trim().slice(0, 30) + '"',
                      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                      shadow: s.boxShadow !== 'none'
                    };""");
            if (focus == null) {
                problems.add("keyboard focus left the page after " + reached.size() + " of " + focusable + " elements");
                break;
            }
            String what = (String) focus.get("what");
            reached.add(what);
            if (!Boolean.TRUE.equals(focus.get("outline")) && !Boolean.TRUE.equals(focus.get("shadow"))) {
                problems.add("no visible focus indicator on " + what);
            }
        }
        browser.script("""
                document.getElementById('__focus_start')?.remove();
                if (document.activeElement) document.activeElement.blur();
                window.scrollTo(0, 0);""");
        return problems;
    }
}
