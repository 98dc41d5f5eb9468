package org.odomo.vehicle;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * Serves the model pictures that the vehicles API links to. They are drawn here, in the brand's
 * colour, so that the platform never points clients to a third-party image host.
 */
@RestController
class VehiclePictures {

    private static final Map<Brand, String> COLOURS = Map.of(Brand.PEUGEOT, "#1d4e9e", Brand.CITROEN, "#a3262a",
            Brand.DS, "#6b5a3e", Brand.OPEL, "#f7d117", Brand.VAUXHALL, "#b8272d");

    @GetMapping(path = "/media/vehicles/{model}/{view}.svg", produces = "image/svg+xml")
    ResponseEntity<String> picture(@PathVariable String model, @PathVariable String view) {
        VehicleModel m = VehicleModels.byCode(model).orElse(null);
        if (m == null || !VehicleModel.PICTURE_VIEWS.contains(view)) {
            return ResponseEntity.notFound().build();
        }
        String colour = COLOURS.get(m.brand());
        String label = HtmlUtils.htmlEscape(m.label());
        String body = "side".equals(view) ? side(colour, label) : front(colour, label);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("image/svg+xml"))
                .cacheControl(CacheControl.maxAge(1, TimeUnit.DAYS)).body(body);
    }

    private static String side(String colour, String label) {
        return """
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 160" role="img" aria-label="%2$s, side view">
                  <path d="M20 110 L40 75 Q60 50 110 48 L200 48 Q235 50 260 78 L300 88 Q310 92 310 110 Z" fill="%1$s"/>
                  <path d="M120 56 L195 56 Q220 58 238 78 L110 78 Z" fill="#dfe8f2"/>
                  <circle cx="85" cy="112" r="22" fill="#222"/><circle cx="85" cy="112" r="10" fill="#bbb"/>
                  <circle cx="245" cy="112" r="22" fill="#222"/><circle cx="245" cy="112" r="10" fill="#bbb"/>
                  <text x="160" y="152" font-family="sans-serif" font-size="14" text-anchor="middle">%2$s</text>
                </svg>
                """.formatted(colour, label);
    }

    private static String front(String colour, String label) {
        return """
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 160" role="img" aria-label="%2$s, front view">
                  <rect x="70" y="50" width="180" height="70" rx="18" fill="%1$s"/>
                  <path d="M95 52 L120 22 L200 22 L225 52 Z" fill="#dfe8f2"/>
                  <circle cx="100" cy="85" r="10" fill="#fff8d0"/><circle cx="220" cy="85" r="10" fill="#fff8d0"/>
                  <rect x="130" y="95" width="60" height="12" rx="3" fill="#333"/>
                  <rect x="78" y="118" width="26" height="20" fill="#222"/><rect x="216" y="118" width="26" height="20" fill="#222"/>
                  <text x="160" y="156" font-family="sans-serif" font-size="14" text-anchor="middle">%2$s</text>
                </svg>
                """.formatted(colour, label);
    }
}
