package dev.vigil.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.job.Jobs;
import io.javalin.http.Context;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How background jobs (replays, rule tests) answer over HTTP: found by id, shown, cancelled, and their failures as error bodies. */
public final class JobViews {
    private static final Logger LOG = LoggerFactory.getLogger(JobViews.class);

    private JobViews() {
    }

    /**
     * A failed job's error body, as a request that failed that way would have been answered; a
     * failure that is not an {@link ApiException} is logged and shown as an internal error.
     */
    public static Function<RuntimeException, ObjectNode> errors(ObjectMapper json, String what) {
        return e -> {
            var api = e instanceof ApiException a ? a : null;
            if (api == null) {
                LOG.error("{} failed", what, e);
                api = new ApiException(500, "internal_error", what + " failed: " + e.getMessage());
            }
            return json.createObjectNode().put("error", api.code()).put("message", api.getMessage())
                    .set("details", json.valueToTree(api.details()));
        };
    }

    /**
     * How a job that has ended ended, for the audit log: {@code done} of its result, "cancelled
     * after 12 events", or why it was refused or failed.
     */
    public static String outcome(Jobs.Job job, Function<ObjectNode, String> done) {
        if (job.result() != null) {
            return done.apply(job.result());
        }
        return job.failure() instanceof CancellationException c ? c.getMessage() : AuditRoutes.outcome(job.failure());
    }

    /** The job of the path's {@code id}; 404 naming it when there is none. */
    public static Jobs.Job find(Context ctx, Jobs jobs, String what) {
        var id = ctx.pathParam("id");
        return jobs.get(id).orElseThrow(() -> ApiException.notFound("no " + what + " with id '" + id
                + "' (jobs are kept in memory for an hour after they end, until the server restarts)"));
    }

    /** Cancels the path's job: 202 with its view (it stops at its next step), or 409 when it has ended. */
    public static void cancel(Context ctx, Jobs jobs, String what, ObjectMapper json) {
        var job = find(ctx, jobs, what);
        if (job.ended()) {
            throw new ApiException(409, "job_ended", "the " + what + " '" + job.id() + "' has ended; there is nothing to cancel");
        }
        job.cancel();
        ctx.status(202).json(job.view(json));
    }
}
