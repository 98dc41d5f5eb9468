package org.odomo.apps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The operator's REST API for app registration, credentials and plans. */
@RestController
class AdminApi {

    private final AppRegistry apps;

    AdminApi(AppRegistry apps) {
        this.apps = apps;
    }

    @PostMapping(path = "/admin/v1/apps", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> register(@RequestBody AppRegistration registration) {
        RegisteredApp registered = apps.register(registration);
        Map<String, Object> body = view(registered.app());
        body.put("clientSecret", registered.clientSecret());
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    @GetMapping("/admin/v1/apps")
    List<Map<String, Object>> list() {
        return apps.list().stream().map(AdminApi::view).toList();
    }

    @GetMapping("/admin/v1/apps/{id}")
    Map<String, Object> get(@PathVariable String id) {
        return view(apps.find(id).orElseThrow(() -> new UnknownAppException(id)));
    }

    /** Signs the app's CSR; takes the PEM as text/plain or as {"csr": "..."}. */
    @PostMapping(path = "/admin/v1/apps/{id}/certificate", consumes = MediaType.TEXT_PLAIN_VALUE)
    Map<String, Object> certificate(@PathVariable String id, @RequestBody String csrPem) {
        PlatformCertificateAuthority.IssuedCertificate issued = apps.issueCertificate(id, csrPem);
        return Map.of("certificate", issued.certificatePem(), "serial", issued.serialHex(),
                "caCertificate", apps.caCertificatePem());
    }

    @PostMapping(path = "/admin/v1/apps/{id}/certificate", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> certificateJson(@PathVariable String id, @RequestBody Map<String, String> body) {
        return certificate(id, body.get("csr"));
    }

    @PutMapping(path = "/admin/v1/apps/{id}/plan", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> plan(@PathVariable String id, @RequestBody Map<String, String> body) {
        return view(apps.changePlan(id, body.get("slaPlan")));
    }

    @PutMapping(path = "/admin/v1/apps/{id}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> status(@PathVariable String id, @RequestBody Map<String, String> body) {
        String status = body.get("status");
        if (!"ACTIVE".equals(status) && !"SUSPENDED".equals(status)) {
            throw new InvalidRequestException("status must be ACTIVE or SUSPENDED");
        }
        return view(apps.setStatus(id, App.Status.valueOf(status)));
    }

    @GetMapping("/admin/v1/plans")
    List<SlaPlan> plans() {
        return apps.plans();
    }

    @GetMapping(path = {"/ca.pem", "/admin/v1/ca.pem"}, produces = "application/x-pem-file")
    String caCertificate() {
        return apps.caCertificatePem();
    }

    private static Map<String, Object> view(App app) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", app.id());
        view.put("clientId", app.clientId());
        view.put("loginId", app.loginId());
        view.put("name", app.name());
        view.put("concept", app.concept());
        view.put("company", app.company());
        view.put("contactEmail", app.contactEmail());
        view.put("requestsPerMonth", app.requestsPerMonth());
        view.put("scopes", app.scopes());
        view.put("redirectUris", app.redirectUris());
        view.put("slaPlan", app.slaPlan());
        view.put("status", app.status().name());
        view.put("hasCertificate", app.certificatePem() != null);
        if (app.certificatePem() != null) {
            view.put("certificate", app.certificatePem());
        }
        view.put("createdAt", app.createdAt().toString());
        return view;
    }
}
