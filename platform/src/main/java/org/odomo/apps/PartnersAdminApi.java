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

/** The operator's REST API for fleet owners (partners): registration, certificate, plan, status. */
@RestController
class PartnersAdminApi {

    private final PartnerRegistry partners;

    PartnersAdminApi(PartnerRegistry partners) {
        this.partners = partners;
    }

    /** Registers a partner; the answer carries its password, shown this once. */
    @PostMapping(path = "/admin/v1/partners", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> register(@RequestBody PartnerRegistration registration) {
        RegisteredPartner registered = partners.register(registration);
        Map<String, Object> body = view(registered.partner());
        body.put("password", registered.password());
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    @GetMapping("/admin/v1/partners")
    List<Map<String, Object>> list() {
        return partners.list().stream().map(PartnersAdminApi::view).toList();
    }

    @GetMapping("/admin/v1/partners/{id}")
    Map<String, Object> get(@PathVariable String id) {
        return view(partners.find(id).orElseThrow(() -> new UnknownPartnerException(id)));
    }

    /** Signs the partner's CSR (OU "Programs Partners", CN its login id); PEM as text/plain. */
    @PostMapping(path = "/admin/v1/partners/{id}/certificate", consumes = MediaType.TEXT_PLAIN_VALUE)
    Map<String, Object> certificate(@PathVariable String id, @RequestBody String csrPem) {
        PlatformCertificateAuthority.IssuedCertificate issued = partners.issueCertificate(id, csrPem);
        return Map.of("certificate", issued.certificatePem(), "serial", issued.serialHex());
    }

    @PostMapping(path = "/admin/v1/partners/{id}/certificate", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> certificateJson(@PathVariable String id, @RequestBody Map<String, String> body) {
        String csr = body.get("csr");
        if (csr == null) {
            throw new InvalidRequestException("csr is required");
        }
        return certificate(id, csr);
    }

    @PutMapping(path = "/admin/v1/partners/{id}/plan", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> plan(@PathVariable String id, @RequestBody Map<String, String> body) {
        return view(partners.changePlan(id, body.get("slaPlan")));
    }

    @PutMapping(path = "/admin/v1/partners/{id}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> status(@PathVariable String id, @RequestBody Map<String, String> body) {
        String status = body.get("status");
        if (!"ACTIVE".equals(status) && !"SUSPENDED".equals(status)) {
            throw new InvalidRequestException("status must be ACTIVE or SUSPENDED");
        }
        return view(partners.setStatus(id, App.Status.valueOf(status)));
    }

    private static Map<String, Object> view(Partner partner) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", partner.id());
        view.put("clientId", partner.clientId());
        view.put("loginId", partner.loginId());
        view.put("name", partner.name());
        view.put("company", partner.company());
        view.put("contactEmail", partner.contactEmail());
        view.put("contract", partner.contract());
        view.put("slaPlan", partner.slaPlan());
        view.put("status", partner.status().name());
        view.put("hasCertificate", partner.certificatePem() != null);
        if (partner.certificatePem() != null) {
            view.put("certificate", partner.certificatePem());
            view.put("certificateSerial", partner.certificateSerial());
        }
        view.put("createdAt", partner.createdAt().toString());
        return view;
    }
}
