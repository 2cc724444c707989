export const id = 500;
export const ids = [500];
export const modules = {

/***/ 7660:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Du: () => (/* binding */ failedCallsLine),
/* harmony export */   Io: () => (/* binding */ MaxSummaryRows),
/* harmony export */   Xf: () => (/* binding */ createTally)
/* harmony export */ });
/* unused harmony export MaxNamedFailures */
/** Rows the job summary shows, one per call, in input order. */
const MaxSummaryRows = 100;
/** Failed calls the step's failure line names. */
const MaxNamedFailures = 5;
/** An empty tally. */
function createTally() {
    let succeeded = 0;
    let failed = 0;
    const rows = [];
    const failures = [];
    const byIndex = (a, b) => a.index - b.index;
    return {
        add(result) {
            if (result.error === undefined)
                succeeded++;
            else {
                failed++;
                failures.push({ index: result.index, name: result.name });
                failures.sort(byIndex);
                if (failures.length > MaxNamedFailures)
                    failures.pop();
            }
            if (result.index <= MaxSummaryRows)
                rows.push(summaryRow(result));
        },
        snapshot: () => ({
            total: succeeded + failed,
            succeeded,
            failed,
            rows: [...rows].sort(byIndex),
            failedNames: failures.map(result => result.name)
        })
    };
}
/**
 * The one line a step with failed calls ends with: how many failed and the first few names,
 * e.g. `2 of 5 calls failed: Check journal, Post invoice`.
 */
function failedCallsLine(tally) {
    if (tally.failed === 0)
        return undefined;
    const more = tally.failed > tally.failedNames.length ? ', …' : '';
    return (`${tally.failed} of ${tally.total} ${tally.total === 1 ? 'call' : 'calls'} failed: ` +
        `${tally.failedNames.join(', ')}${more}`);
}
/** Only what the summary prints of a result. */
function summaryRow(result) {
    const { index, name, serviceName, status, attempts, elapsedMs, error } = result;
    return { index, name, serviceName, status, attempts, elapsedMs, error };
}


/***/ }),

/***/ 2500:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  reportMany: () => (/* binding */ reportMany)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(1002);
// EXTERNAL MODULE: ./src/many/call-tally.ts
var call_tally = __webpack_require__(7660);
// EXTERNAL MODULE: ./src/common/failure.ts
var common_failure = __webpack_require__(6191);
// EXTERNAL MODULE: ./src/common/safe-line.ts
var safe_line = __webpack_require__(5767);
// EXTERNAL MODULE: ./src/common/timespan.ts
var timespan = __webpack_require__(4416);
// EXTERNAL MODULE: ./src/report/html-escape.ts
var html_escape = __webpack_require__(6313);
;// CONCATENATED MODULE: ./src/report/calls-summary.ts




const MaxCellChars = 300;
/**
 * The job summary of a many-calls step as HTML: a heading, a table with one row per call up to
 * MaxSummaryRows (in input order), a note when there are more, and the totals. Every text that
 * may come from a server or a file (names, errors) is cut, stripped of control characters and
 * HTML-escaped inside `<code>`, so it renders as text: no link, image, markup or mention.
 * Error lines are expected to be free of body text already when mask-response is set.
 */
function callsSummaryHtml(facts) {
    const { tally } = facts;
    const rows = tally.rows.map(row => `<tr><td>${row.index}</td><td>${code(row.name)}</td><td>${row.serviceName === undefined ? '' : code(row.serviceName)}</td>` +
        `<td>${row.status ?? '–'}</td><td>${row.attempts}</td><td>${Math.round(row.elapsedMs)} ms</td>` +
        `<td>${row.error === undefined ? '✅ ok' : `❌ ${code(row.error)}`}</td></tr>`);
    const more = tally.total > tally.rows.length
        ? `<p>The first ${call_tally/* MaxSummaryRows */.Io} of ${tally.total} calls are shown; every call is in the results file.</p>\n`
        : '';
    return (`<h3>D365 F&amp;O: ${tally.total} ${tally.total === 1 ? 'call' : 'calls'}</h3>\n` +
        '<table><thead><tr><th>#</th><th>Name</th><th>Service</th><th>Status</th><th>Attempts</th><th>Elapsed</th><th>Result</th></tr></thead>\n' +
        `<tbody>\n${rows.join('\n')}\n</tbody></table>\n` +
        more +
        `<p><strong>${tally.succeeded} succeeded, ${tally.failed} failed</strong> of ${tally.total} in ${(0,timespan/* elapsedSeconds */.us)(facts.elapsedMs)}. ` +
        `Results: ${code(facts.resultsFile)}</p>\n`);
}
/**
 * Untrusted text as inert HTML: one line without control characters, scrubbed of secrets and
 * cut (safeLine), then escaped inside `<code>`.
 */
function code(text) {
    return `<code>${(0,html_escape/* escapeHtmlCell */.p)((0,safe_line/* safeLine */.o)(text, MaxCellChars))}</code>`;
}

// EXTERNAL MODULE: ./src/report/outputs.ts
var outputs = __webpack_require__(5468);
// EXTERNAL MODULE: ./src/report/summary.ts
var report_summary = __webpack_require__(7994);
// EXTERNAL MODULE: ./src/doctors/throttle-doctor.ts
var throttle_doctor = __webpack_require__(752);
;// CONCATENATED MODULE: ./src/report/many-report.ts









/**
 * Tells the runner how a many-calls step went, once: the totals and the results file as
 * outputs, the table of calls in the job summary, and one line that fails the step or warns
 * (enable-exception) when any call failed, naming how many and the first few. A bad input or a
 * fault of the action always fails.
 */
async function reportMany(outcome) {
    const { settings, tally, failure } = outcome;
    const masked = settings.maskResponse;
    const error = failure === undefined ? (0,call_tally/* failedCallsLine */.Du)(tally) : (0,common_failure/* errorLine */.BP)(failure, masked);
    const throttled = (0,throttle_doctor/* describeThrottling */.JV)(outcome.throttling, settings.credential);
    if (throttled)
        core/* info */.pq(throttled);
    const outputsProblem = (0,outputs/* writeOutputs */.K)({
        status: undefined,
        response: '',
        responseFile: '',
        headers: {},
        attempts: outcome.attempts,
        elapsedMs: outcome.elapsedMs,
        error: error === undefined ? undefined : (0,safe_line/* safeLine */.o)(error),
        polls: 0,
        activityId: undefined,
        throttledSec: (0,throttle_doctor/* throttledSeconds */.gN)(outcome.throttling),
        many: {
            total: tally.total,
            succeeded: tally.succeeded,
            failed: tally.failed,
            resultsFile: outcome.resultsFile
        }
    });
    const summaryProblem = await writeCallsSummary(outcome, failure && error, throttled);
    if (summaryProblem !== undefined)
        core/* warning */.$e((0,safe_line/* safeLine */.o)(summaryProblem));
    if (outputsProblem !== undefined) {
        core/* setFailed */.C1((0,safe_line/* safeLine */.o)(error === undefined ? outputsProblem : `${outputsProblem}. ${error}`));
    }
    else if (error !== undefined) {
        const fails = failure?.kind === 'input' || failure?.kind === 'internal' || settings.enableException;
        if (fails)
            core/* setFailed */.C1((0,safe_line/* safeLine */.o)(error));
        else
            core/* warning */.$e((0,safe_line/* safeLine */.o)(error));
    }
}
/** The table of calls (and the step's own failure); a line saying why it could not be written. */
async function writeCallsSummary(outcome, stepError, throttled) {
    if (!process.env['GITHUB_STEP_SUMMARY'])
        return undefined;
    const summary = core/* summary */.z.emptyBuffer().addRaw(callsSummaryHtml({
        tally: outcome.tally,
        elapsedMs: outcome.elapsedMs,
        resultsFile: outcome.resultsFile
    }));
    if (stepError !== undefined) {
        summary.addRaw(`<p><strong>Error:</strong> <code>${(0,html_escape/* escapeHtml */.Z)((0,safe_line/* safeLine */.o)(stepError))}</code></p>\n`);
    }
    if (throttled !== undefined)
        summary.addRaw((0,report_summary/* throttlingParagraph */.of)(throttled));
    return (0,report_summary/* flushSummary */.Pu)(summary);
}


/***/ })

};
