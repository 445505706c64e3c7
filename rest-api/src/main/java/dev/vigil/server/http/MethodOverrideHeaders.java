package dev.vigil.server.http;

import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Takes the method-override headers off every request as it arrives, before anything reads them:
 * a request is the method of its request line, and a GET never changes anything. Javalin routes by
 * {@code X-HTTP-Method-Override} ({@code Context.method()}), so without this a GET that carried
 * {@code X-HTTP-Method-Override: DELETE} reached the undeploy route, and a page that can make a
 * browser send a GET could do what only a DELETE should. The other spellings frameworks honour go
 * too, so that no library added later picks them up. ({@code _method} parameters are honoured by
 * nothing here, and are not read.)
 */
public final class MethodOverrideHeaders implements HttpConfiguration.Customizer {
    static final List<String> NAMES = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        var headers = request.getHeaders();
        if (NAMES.stream().noneMatch(headers::contains)) {
            return request;
        }
        var stripped = HttpFields.build(headers);
        NAMES.forEach(stripped::remove);
        var without = stripped.asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return without;
            }
        };
    }
}
