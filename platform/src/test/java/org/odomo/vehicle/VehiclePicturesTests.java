package org.odomo.vehicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** Over real HTTP: every model's pictures are served, unknown ones are 404. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class VehiclePicturesTests {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesEveryModelPicture() throws Exception {
        for (VehicleModel model : VehicleModels.all()) {
            for (String path : model.picturePaths()) {
                HttpResponse<String> response = get(path);
                assertThat(response.statusCode()).as(path).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        t -> assertThat(t).startsWith("image/svg+xml"));
                assertThat(response.body()).startsWith("<svg").contains(model.label().replace("ë", "&euml;")
                        .substring(0, 3));
            }
        }
    }

    @Test
    void unknownModelOrViewIsNotFound() throws Exception {
        assertThat(get("/media/vehicles/NOPE/side.svg").statusCode()).isEqualTo(404);
        assertThat(get("/media/vehicles/P-E208/top.svg").statusCode()).isEqualTo(404);
    }
}
