package io.chatopshub.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.autoconfigure.web.servlet.error.BasicErrorController;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorViewResolver;
import org.springframework.boot.web.servlet.error.ErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Spring Boot's error endpoint with the hub's JSON error body: a request Spring answers with an
 * error of its own (no such path, a method a path does not take, a body Tomcat gave up reading, a
 * login that failed) gets {@code {"error":"not_found","message":"Not Found."}} like every refusal of
 * the hub, not Spring's {@code timestamp}/{@code status}/{@code path} shape. A browser (the
 * console's pages) still gets Spring's HTML page.
 */
@Controller
@RequestMapping("${server.error.path:${error.path:/error}}")
class JsonErrorController extends BasicErrorController {

    JsonErrorController(ErrorAttributes errorAttributes, ServerProperties server, List<ErrorViewResolver> resolvers) {
        super(errorAttributes, server.getError(), resolvers);
    }

    @Override
    @RequestMapping
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        HttpStatus status = getStatus(request);
        if (status == HttpStatus.NO_CONTENT) {
            return new ResponseEntity<>(status);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(new LinkedHashMap<>(ErrorResponses.forStatus(status.value())));
    }
}
