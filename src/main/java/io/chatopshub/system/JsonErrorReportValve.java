package io.chatopshub.system;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's last word on a failed request, for the errors that never reach Spring: a request line
 * or header Tomcat cannot parse, a header over the size limit, a path with a NUL. Instead of
 * Tomcat's HTML page it writes the hub's JSON error, like every other refusal, with no server
 * details and no stack trace.
 */
class JsonErrorReportValve extends ErrorReportValve {

    JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        Map<String, String> error = ErrorResponses.forStatus(status);
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(ErrorResponses.body(error.get("error"), error.get("message")));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response was committed meanwhile: nothing left to tell
        }
    }
}
