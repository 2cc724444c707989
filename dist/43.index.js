export const id = 43;
export const ids = [43];
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

/***/ 4043:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runManyCalls: () => (/* binding */ runManyCalls)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 10 modules
var core = __webpack_require__(1002);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:v8"
var external_node_v8_ = __webpack_require__(8877);
var external_node_v8_default = /*#__PURE__*/__webpack_require__.n(external_node_v8_);
// EXTERNAL MODULE: ./src/sign-in/auth.ts
var auth = __webpack_require__(4185);
// EXTERNAL MODULE: ./src/transport/early-connection-set.ts
var early_connection_set = __webpack_require__(6570);
// EXTERNAL MODULE: ./src/call/call-plan.ts
var call_plan = __webpack_require__(6176);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(8500);
// EXTERNAL MODULE: ./src/common/constants.ts
var constants = __webpack_require__(8952);
// EXTERNAL MODULE: ./src/common/failure.ts
var common_failure = __webpack_require__(6191);
// EXTERNAL MODULE: ./src/common/safe-line.ts
var safe_line = __webpack_require__(5767);
// EXTERNAL MODULE: ./src/doctors/throttle-doctor.ts
var throttle_doctor = __webpack_require__(752);
// EXTERNAL MODULE: ./src/call/invoker.ts + 3 modules
var invoker = __webpack_require__(9566);
// EXTERNAL MODULE: ./src/call/outcome-check.ts + 2 modules
var outcome_check = __webpack_require__(9916);
// EXTERNAL MODULE: ./src/call/service-call.ts + 7 modules
var service_call = __webpack_require__(8392);
// EXTERNAL MODULE: ./src/transport/response-body.ts
var response_body = __webpack_require__(5707);
;// CONCATENATED MODULE: ./src/many/call-body.ts




/** The response files of all calls of a step hold at most this many times max-response-size. */
const StepFilesPerMaxResponseSize = 10;
/**
 * The room the response files of a many-calls step share: StepFilesPerMaxResponseSize ×
 * max-response-size (10 GiB by default), so a thousand large answers cannot fill the runner's
 * disk; undefined (no limit) when max-response-size is 0.
 */
function createFilesBudget(maxResponseBytes) {
    if (maxResponseBytes === 0)
        return undefined;
    const limitBytes = maxResponseBytes * StepFilesPerMaxResponseSize;
    let used = 0;
    return {
        take(bytes) {
            if (used + bytes > limitBytes)
                return false;
            used += bytes;
            return true;
        },
        limitBytes
    };
}
/** Raised when a call's response file would pass the room all calls' files share. */
class FilesFullError extends Error {
    constructor(limitBytes) {
        super(`the response files of the step's calls would pass ${(0,response_body/* formatBytes */.z3)(limitBytes)} together ` +
            `(${StepFilesPerMaxResponseSize} × ${constants/* Inputs */.G0.MaxResponseSize})`);
        this.name = 'FilesFullError';
    }
}
/**
 * Receives one call's body of many: in memory while it is small (no file for each of thousands
 * of small answers), and once it passes `inlineBytes` streamed into `file` (parent folders
 * created), which then holds all of it; only the first `keepBytes` stay in memory. `file` is ''
 * in the result when the body stayed small. Fails like receiveBody, with `bytesReceived`: with
 * TooLargeError past `maxBytes` (the file keeps at most that much), TimeoutError on a stall, and
 * FilesFullError when the file would pass the room `files` has left (it keeps what fitted).
 */
async function receiveCallBody(body, file, options) {
    let sink;
    try {
        const { bytes, head } = await (0,response_body/* readBody */.x8)(body, options, async (chunk, at) => {
            if (sink === undefined && at.arrived <= options.inlineBytes)
                return;
            // The file's room is taken before anything is written, so a file that does not fit is
            // never created and one that is cut keeps what fitted.
            const writing = sink === undefined ? at.offset + chunk.length : chunk.length;
            if (options.files?.take(writing) === false)
                throw new FilesFullError(options.files.limitBytes);
            if (sink === undefined) {
                await (0,promises_.mkdir)(external_node_path_default().dirname(file), { recursive: true });
                sink = await (0,promises_.open)(file, 'w');
                // What came before is all still in memory: keepBytes ≥ inlineBytes.
                await sink.write(at.head().subarray(0, at.offset));
            }
            await sink.write(chunk);
        });
        return { bytes, head, file: sink === undefined ? '' : file };
    }
    finally {
        await sink?.close();
    }
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/common/json-text.ts
var json_text = __webpack_require__(3011);
;// CONCATENATED MODULE: ./src/many/results-file.ts



/** A body up to this size is written into the results file itself; a larger one has its own file. */
const InlineResponseBytes = 64 * 1024;
/** The line of the results file for one call: kebab-case keys, every key present (null when unset). */
function resultLine(result) {
    const record = {
        name: result.name,
        index: result.index
    };
    if (result.line !== undefined)
        record['line'] = result.line;
    Object.assign(record, {
        'service-name': result.serviceName ?? null,
        status: result.status ?? null,
        attempts: result.attempts,
        'elapsed-ms': Math.round(result.elapsedMs),
        'activity-id': result.activityId ?? null,
        error: result.error ?? null
    });
    // The body goes in as the JSON text it is: JSON.stringify of a parsed body nested thousands
    // deep overflows the stack, and a parsed number may have lost digits.
    const response = result.responseJson === undefined ? 'null' : (0,json_text/* jsonOnOneLine */.sR)(result.responseJson);
    const file = JSON.stringify(result.responseFile ?? null);
    return `${JSON.stringify(record).slice(0, -1)},"response":${response},"response-file":${file}}\n`;
}
/** Out-of-order lines kept in memory up to this many bytes; beyond it they wait in a spill file. */
const MaxBufferedBytes = 8 * 1024 * 1024;
/**
 * Writes the results of a many-calls step into `results`, already open (and checked) for
 * writing; the writer closes it. Lines are written as soon as every earlier call has finished;
 * only lines that are ahead of a slower call wait, in memory up to `maxBufferedBytes`, then in
 * a spill file beside the results, so memory stays bounded however long one call takes.
 */
async function openResultsWriter(results, options = {}) {
    return new OrderedWriter(results, options.maxBufferedBytes ?? MaxBufferedBytes);
}
class OrderedWriter {
    results;
    maxBuffered;
    waiting = new Map();
    bufferedBytes = 0;
    spill;
    /** The position of the next line to write. */
    next = 0;
    // Writes happen one after another, in the order add() was called.
    queue = Promise.resolve();
    constructor(results, maxBuffered) {
        this.results = results;
        this.maxBuffered = maxBuffered;
    }
    add(position, line) {
        this.queue = this.queue.then(() => this.accept(position, line));
        return this.queue;
    }
    async close() {
        try {
            await this.queue;
            if (this.waiting.size > 0) {
                throw new Error(`results-file: ${this.waiting.size} results wait for the result of call ${this.next + 1}, which never came`);
            }
        }
        finally {
            await this.results.handle.close();
            if (this.spill) {
                await this.spill.handle.close();
                await (0,promises_.rm)(this.spill.file, { force: true });
            }
        }
    }
    /** Holds a line that is ahead of a slower call, or writes it with the lines it frees. */
    async accept(position, line) {
        if (position !== this.next) {
            this.waiting.set(position, line);
            this.bufferedBytes += Buffer.byteLength(line);
            if (this.bufferedBytes > this.maxBuffered)
                await this.spillOut();
            return;
        }
        const run = [line];
        this.next++;
        for (let held = await this.lineAt(this.next); held !== undefined;) {
            run.push(held);
            this.next++;
            held = await this.lineAt(this.next);
        }
        await this.results.handle.write(run.join(''));
    }
    /** The line held for `position`, taken out of memory or the spill file; undefined if none. */
    async lineAt(position) {
        const held = this.waiting.get(position);
        if (held === undefined)
            return undefined;
        this.waiting.delete(position);
        if (typeof held === 'string') {
            this.bufferedBytes -= Buffer.byteLength(held);
            return held;
        }
        const bytes = Buffer.alloc(held.length);
        await this.spill?.handle.read(bytes, 0, held.length, held.offset);
        return bytes.toString('utf8');
    }
    /** Moves every line held in memory to the spill file. */
    async spillOut() {
        const spill = (this.spill ??= await openSpill(this.results.path));
        const lines = [...this.waiting].filter((entry) => typeof entry[1] === 'string');
        const bytes = Buffer.from(lines.map(([, line]) => line).join(''), 'utf8');
        await spill.handle.write(bytes, 0, bytes.length, spill.size);
        for (const [position, line] of lines) {
            const length = Buffer.byteLength(line);
            this.waiting.set(position, { offset: spill.size, length });
            spill.size += length;
        }
        this.bufferedBytes = 0;
    }
}
async function openSpill(file) {
    const spillFile = `${file}.pending`;
    // Beside a results file that was checked: never through a link someone left there. Whatever
    // has the name goes (a link itself, not what it leads to), and the file is created anew: no
    // O_NOFOLLOW on Windows, where O_EXCL refuses any existing name, a link included.
    await (0,promises_.rm)(spillFile, { force: true });
    const flags = external_node_fs_.constants.O_RDWR | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL;
    return { handle: await (0,promises_.open)(spillFile, flags, 0o600), file: spillFile, size: 0 };
}

// EXTERNAL MODULE: ./src/common/timespan.ts
var timespan = __webpack_require__(4416);
;// CONCATENATED MODULE: ./src/many/in-flight-limit.ts
/** A run of this many successes adds one call in flight. */
const IncreaseAfter = 100;
/**
 * Additive increase, multiplicative decrease: a second 429 without a success between halves the
 * limit (to 1 at least), and a run of successes adds one (up to `max`). A 429 for a request sent
 * before the last decrease, or in the same instant, belongs to the same burst and does not count
 * again, so one burst halves the limit once.
 */
function createInFlightLimit(options) {
    const increaseAfter = options.increaseAfter ?? IncreaseAfter;
    let limit = options.max;
    let throttledInRow = 0;
    let successesInRow = 0;
    let decreasedAt = -Infinity;
    const set = (to, why) => {
        if (to === limit)
            return;
        const from = limit;
        limit = to;
        options.changed?.(from, to, why);
    };
    return {
        limit: () => limit,
        throttled(sentAtMs) {
            successesInRow = 0;
            if (sentAtMs <= decreasedAt)
                return;
            throttledInRow++;
            if (throttledInRow < 2)
                return;
            throttledInRow = 0;
            decreasedAt = options.now();
            set(Math.max(1, Math.floor(limit / 2)), 'throttled');
        },
        succeeded() {
            throttledInRow = 0;
            successesInRow++;
            if (successesInRow < increaseAfter)
                return;
            successesInRow = 0;
            set(Math.min(options.max, limit + 1), 'recovered');
        }
    };
}

;// CONCATENATED MODULE: ./src/many/rate-pacer.ts
/**
 * Pacing many calls at the rate a rate-limited service admits, learned from its 429s, so a long
 * run does not keep bursting into the limit and waiting out a whole Retry-After each time.
 *
 * Between two throttling episodes the service's allowance was empty at both ends, so the requests
 * it admitted in between, over the time between them, is the rate it admits (a little less: what
 * its allowance could not hold while the calls were paused is lost). From the second episode on,
 * requests are spaced at that rate, after spending at once what accrued during the pause. Without
 * a 429 the pace creeps up (1 %, then 2 %, 4 % … every ProbeIntervalMs), so a limit that rises is
 * found again, and the next 429 measures it afresh.
 */
/** A measured rate below this is left to the pauses alone: pacing would hold requests for seconds. */
const MinPacedRate = 1;
/** Above this pacing no longer holds anything back, so it ends. */
const MaxPacedRate = 2000;
/** How long the pace holds before it creeps up. */
const ProbeIntervalMs = 5000;
/** The first step up; each later one doubles, to at most MaxProbeStep. */
const FirstProbeStep = 0.01;
const MaxProbeStep = 1;
function createRatePacer(deps) {
    let previous;
    let current;
    let pace;
    let bursts = 0;
    const rateNow = () => {
        if (!pace || !previous || !current)
            return undefined;
        // Late answers to requests sent before the last episode still count towards its measure.
        const measured = previous.admitted / ((current.startAt - previous.startAt) / 1000);
        return measured * pace.growth;
    };
    return {
        reserve() {
            const now = deps.now();
            if (!pace || !current)
                return now;
            while (now >= pace.nextProbeAt) {
                pace.growth *= 1 + pace.nextStep;
                pace.nextStep = Math.min(MaxProbeStep, pace.nextStep * 2);
                pace.nextProbeAt += ProbeIntervalMs;
            }
            const rate = rateNow() ?? 0;
            if (!worthPacing(rate)) {
                pace = undefined;
                return now;
            }
            // What accrued during a pause goes at once, as the service holds it; never more than the
            // Retry-After's worth, since the service may hold no more.
            const most = Math.max(1, (rate * current.waitMs) / 1000);
            const elapsed = Math.max(0, now - pace.allowanceAt);
            pace.allowance = Math.min(most, pace.allowance + (elapsed * rate) / 1000) - 1;
            pace.allowanceAt = now;
            return pace.allowance >= 0 ? now : now + (-pace.allowance / rate) * 1000;
        },
        admitted(sentAtMs) {
            if (current && sentAtMs >= current.startAt)
                current.admitted++;
            else if (previous && sentAtMs >= previous.startAt)
                previous.admitted++;
        },
        throttled(sentAtMs, waitMs) {
            const now = deps.now();
            // Requests sent before the pause it imposed was over (on their way when it came back, or
            // sent in the same instant) were refused by the same empty allowance.
            if (current && sentAtMs < current.knownAt + current.waitMs)
                return bursts;
            bursts++;
            previous = current;
            current = { startAt: sentAtMs, knownAt: now, waitMs, admitted: 0 };
            if (!previous)
                return bursts;
            // The allowance was empty when this request arrived: it refills from then on.
            pace = {
                growth: 1,
                nextStep: FirstProbeStep,
                nextProbeAt: now + waitMs + ProbeIntervalMs,
                allowance: 0,
                allowanceAt: sentAtMs
            };
            if (!worthPacing(rateNow() ?? 0))
                pace = undefined;
            return bursts;
        },
        rate: rateNow
    };
}
/** Between the rates too slow to pace (the pauses do it) and too fast to hold anything back. */
function worthPacing(rate) {
    return rate >= MinPacedRate && rate <= MaxPacedRate;
}

// EXTERNAL MODULE: ./src/transport/retry-policy.ts
var retry_policy = __webpack_require__(6454);
;// CONCATENATED MODULE: ./src/many/pause-gate.ts
/** The jitter is at most this share of the wait, so workers of parallel jobs do not resume in step. */
const JitterShare = 0.02;
/** And never more than this. */
const MaxJitterMs = 1000;
/** The longest a timer can wait (about 24.8 days); a longer pause is waited out in steps. */
const MaxTimerMs = 2 ** 31 - 1;
/** A gate that is open until the first pause. */
function createPauseGate(deps) {
    let openAt = 0;
    const remainingMs = () => Math.max(0, openAt - deps.now());
    return {
        async ready() {
            for (let left = remainingMs(); left > 0; left = remainingMs()) {
                await deps.sleep(Math.min(left, MaxTimerMs));
            }
        },
        pause(waitMs) {
            const jitter = Math.floor(deps.random() * Math.min(MaxJitterMs, waitMs * JitterShare));
            openAt = Math.max(openAt, deps.now() + waitMs + jitter);
            return openAt;
        },
        remainingMs
    };
}

;// CONCATENATED MODULE: ./src/many/step-throttling.ts





const NoWait = Object.freeze({ waitedMs: 0 });
/**
 * `concurrency` calls in flight at first. A 429 on any call pauses every call for its
 * Retry-After (read as the call's own retry reads it; without one, the shortest wait): all of
 * it, so no request goes out inside a window F&O asked for, unless `retryTimeoutMs` is 0 (no
 * limit), when a pause is cut to 5 minutes as each call's own waits are. A call whose budget
 * would end before the pause does is not held: it learns so at once and gives up. From the
 * second burst of 429s on, requests are paced at the rate the service admitted; when no rate
 * can be learned, repeated 429s lower the number of calls in flight instead.
 */
function createStepThrottling(concurrency, deps, options) {
    return new SharedThrottling(concurrency, deps, options.retryTimeoutMs);
}
class SharedThrottling {
    deps;
    retryTimeoutMs;
    gate;
    pacer;
    control;
    // The pause in force and the Retry-After that set it, for the line of the calls it stops.
    pause = { opensAt: 0, askedMs: 0 };
    constructor(concurrency, deps, retryTimeoutMs) {
        this.deps = deps;
        this.retryTimeoutMs = retryTimeoutMs;
        this.gate = createPauseGate(deps);
        this.pacer = createRatePacer(deps);
        this.control = createInFlightLimit({
            max: concurrency,
            now: deps.now,
            changed: (from, to, why) => deps.info(why === 'throttled'
                ? `Throttled again: ${to} calls in flight at most (was ${from})`
                : `A run of successes: ${to} calls in flight at most (was ${from})`)
        });
    }
    async turn(untilMs) {
        const { gate, pacer, deps } = this;
        // Most requests of most steps: nothing to wait for, and nothing allocated for it.
        if (gate.remainingMs() === 0 && pacer.rate() === undefined)
            return NoWait;
        const from = deps.now();
        for (;;) {
            const stopped = await this.waitOut(untilMs);
            if (stopped !== undefined)
                return stopped;
            const sendAt = pacer.reserve();
            if (sendAt > deps.now())
                await deps.sleep(sendAt - deps.now());
            // A 429 that came in while this request waited for its place pauses it too.
            if (gate.remainingMs() === 0)
                return { waitedMs: deps.now() - from };
        }
    }
    ready(untilMs) {
        return this.waitOut(untilMs);
    }
    answered(sentAtMs, status, retryAfter) {
        if (status !== 429) {
            this.control.succeeded();
            this.pacer.admitted(sentAtMs);
            return;
        }
        const now = this.deps.now();
        const waitMs = pauseMs(retryAfter, now, this.retryTimeoutMs);
        this.pauseAll(waitMs, now);
        this.learnPace(sentAtMs, waitMs);
    }
    limit() {
        return this.control.limit();
    }
    /** Pauses every call for `waitMs` from `now`, unless a longer pause is in force already. */
    pauseAll(waitMs, now) {
        const before = this.gate.remainingMs();
        const opensAt = this.gate.pause(waitMs);
        if (opensAt - now > before) {
            this.pause = { opensAt, askedMs: waitMs };
            // The wait asked for, not the jittered one: a burst of equal Retry-Afters reads as one line
            // repeated, which the log folds; the jitter (at most 2%) would turn 1 s into "2 s".
            this.deps.info(`HTTP 429: every call waits ${(0,timespan/* wholeSeconds */.$P)(waitMs)}`);
        }
    }
    /** The pace a burst of 429s teaches; or, when it teaches none, fewer calls in flight. */
    learnPace(sentAtMs, waitMs) {
        const pace = this.pacer.rate();
        const burst = this.pacer.throttled(sentAtMs, waitMs);
        const paced = this.pacer.rate();
        // The first burst refuses every call in flight when the limit is first met, and halving
        // then would leave too few to measure the rate; paced requests keep to the service's rate
        // however many calls are in flight. Only later bursts that teach no pace thin them out.
        if (burst > 1 && paced === undefined)
            this.control.throttled(sentAtMs);
        if (paced !== undefined && paced !== pace) {
            this.deps.info(`Requests are paced at ${paced.toFixed(1)}/s from now on: what the service admitted between its last two 429s`);
        }
    }
    /** The pause in force when the call's budget ends before it does; undefined when it may wait. */
    unwaited(untilMs) {
        const left = this.gate.remainingMs();
        // The jitter never costs a call its last retry.
        if (left === 0 || untilMs === undefined || this.deps.now() + left <= untilMs + MaxJitterMs) {
            return undefined;
        }
        return { pausedMs: left, reason: pausedLine(this.pause.opensAt, this.pause.askedMs) };
    }
    // Waits out the pause in force, a stretch at a time: a longer pause that another call's 429
    // sets meanwhile is checked against the budget again, never simply waited for.
    async waitOut(untilMs) {
        for (let left = this.gate.remainingMs(); left > 0; left = this.gate.remainingMs()) {
            const stopped = this.unwaited(untilMs);
            if (stopped !== undefined)
                return stopped;
            await this.deps.sleep(Math.min(left, MaxTimerMs));
        }
        return undefined;
    }
}
/**
 * How long a 429 pauses every call: what its Retry-After asks (at least 1 s; the shortest wait
 * without one), cut to 5 minutes only when retry-timeout sets no limit.
 */
function pauseMs(retryAfter, nowMs, retryTimeoutMs) {
    const decision = (0,retry_policy/* decideRetry */.tE)(retryAfter, nowMs, nowMs, 0, retry_policy/* MinRetryWaitMs */.U6);
    return retryTimeoutMs === 0 ? decision.waitMs : Math.max(retry_policy/* MinRetryWaitMs */.U6, decision.askedMs);
}
/**
 * Why a call does not wait for the step's pause: one line, the same for every call it stops, e.g.
 * "the step's calls are paused until 12:34:56 UTC for a Retry-After of 3600 s".
 */
function pausedLine(opensAtMs, askedMs) {
    const until = new Date(Math.min(opensAtMs, MaxDateMs)).toISOString();
    return `the step's calls are paused until ${until.slice(0, 10)} ${until.slice(11, 19)} UTC for a Retry-After of ${(0,timespan/* wholeSeconds */.$P)(askedMs)}`;
}
// The latest time a Date holds.
const MaxDateMs = 8.64e15;

;// CONCATENATED MODULE: ./src/many/throttle-breaker.ts
/** The run of throttled failures that opens the breaker, in calls per `concurrency`. */
const BreakAfterPerSlot = 2;
/**
 * Opens once the last `2 × concurrency` calls that ended all failed for throttling; any other
 * ending (a success, another failure) closes it again, so a long batch that is only sometimes
 * throttled keeps running. Calls refused while it is open do not count: they measured nothing.
 */
function createThrottleBreaker(concurrency) {
    const threshold = BreakAfterPerSlot * Math.max(1, concurrency);
    let inRow = 0;
    return {
        ended(throttled) {
            inRow = throttled ? inRow + 1 : 0;
        },
        refusal: () => inRow < threshold
            ? undefined
            : `the last ${inRow} calls that ended all failed for throttling (HTTP 429 past retry-timeout), so the calls not yet started are not sent`
    };
}

;// CONCATENATED MODULE: ./src/many/call-runner.ts
















/** Runs one call at a time of many, sharing the throttle, the token and the connections. */
class CallRunner {
    settings;
    tokens;
    throttle;
    breaker;
    /** The shared transport, every answer told to the throttle. */
    observed;
    files;
    doctors;
    responses;
    running = 0;
    throttled = throttle_doctor/* NoThrottling */.VA;
    constructor(settings, tokens, transport, many, log) {
        this.settings = settings;
        this.tokens = tokens;
        const throttle = createStepThrottling(many.concurrency, {
            now: () => Date.now(),
            sleep: ms => (0,external_node_timers_promises_.setTimeout)(ms),
            random: Math.random,
            info: line => log.info((0,safe_line/* safeLine */.o)(line))
        }, { retryTimeoutMs: settings.retryTimeoutMs });
        this.throttle = throttle;
        this.breaker = createThrottleBreaker(many.concurrency);
        this.observed = {
            async send(request) {
                const sentAt = Date.now();
                const response = await transport.send(request);
                throttle.answered(sentAt, response.status, response.headers['retry-after']);
                return response;
            }
        };
        this.files = createFilesBudget(settings.maxResponseBytes);
        // Doctor GETs go on the shared connections but around the throttle: they are never retried.
        this.doctors = (0,service_call/* createStepDoctors */.Dd)(settings, tokens, transport);
    }
    /** Calls that may be in flight now. */
    limit() {
        return this.throttle.limit();
    }
    /** Calls in flight now. */
    inFlight() {
        return this.running;
    }
    /** The 429s the calls met so far, added up. */
    throttling() {
        return this.throttled;
    }
    /** Runs one call: held back, refused by check-contract, or sent and judged. */
    async call(entry) {
        if ('problem' in entry) {
            return unsent(entry, `line ${entry.line} of ${constants/* Inputs */.G0.CallsFile}: ${entry.problem}`);
        }
        this.running++;
        try {
            const held = await this.heldBack(entry);
            if (held !== undefined)
                return unsent(entry, held);
            const refused = await this.doctors.checkContract(entry);
            if (refused)
                return unsent(entry, (0,common_failure/* errorLine */.BP)(refused, this.settings.maskResponse));
            return await this.send(entry);
        }
        finally {
            this.running--;
        }
    }
    /**
     * Why the call is not sent now: a pause longer than all of its retry-timeout, or the breaker
     * open. A call that has not started waits out a shorter pause without spending its budget.
     */
    async heldBack(call) {
        const retryTimeoutMs = this.settings.retryTimeoutMs;
        const budgetEnd = retryTimeoutMs === 0 ? undefined : Date.now() + retryTimeoutMs;
        const paused = await this.throttle.ready(budgetEnd);
        if (paused !== undefined) {
            return `${call.method} ${call.url} failed: HTTP 429 Too Many Requests — ${paused.reason}, past what ${constants/* Inputs */.G0.RetryTimeout} leaves (0 attempts)`;
        }
        const refusal = this.breaker.refusal();
        return refusal === undefined ? undefined : `${call.method} ${call.url} was not sent: ${refusal}`;
    }
    async send(call) {
        const { settings } = this;
        const headers = { Accept: 'application/json' };
        if (call.contentType)
            headers['Content-Type'] = call.contentType;
        // The sign-in doctor reads the token a 401 or 403 refused, as for a single call.
        const sent = { token: '' };
        const result = await (0,invoker/* invoke */.l)({ method: call.method, url: call.url, headers, body: call.body }, { retryTimeoutMs: settings.retryTimeoutMs, retryOn: settings.retryOn }, this.invokerDeps(call, sent));
        this.throttled = (0,throttle_doctor/* addThrottling */.Z5)(this.throttled, result.throttling);
        const failure = await this.failureOf(call, result, sent.token);
        this.breaker.ended(failure?.kind === 'throttled');
        return resultOf(call, result, failure, settings.maskResponse);
    }
    /** What the invoker uses for one call: the shared clock, throttle and token; its own body file. */
    invokerDeps(call, sent) {
        const { settings } = this;
        let bodyFile;
        return {
            transport: this.observed,
            now: () => Date.now(),
            sleep: ms => (0,external_node_timers_promises_.setTimeout)(ms),
            random: Math.random,
            // One line per finished call is the log; each attempt is there for debugging.
            info: line => core/* debug */.Yz((0,safe_line/* safeLine */.o)(line)),
            bearer: async () => (sent.token = await this.tokens.current()),
            pace: untilMs => this.throttle.turn(untilMs),
            receive: async (response) => {
                bodyFile ??= external_node_path_default().join(await this.responsesFolder(), `${call.index}.json`);
                return receiveCallBody(response.body, bodyFile, {
                    inlineBytes: InlineResponseBytes,
                    // The checks read up to 1 MiB, as for a single call.
                    keepBytes: constants/* MaxResponseOutputBytes */.aR + 1,
                    stallMs: settings.timeoutMs,
                    maxBytes: settings.maxResponseBytes,
                    files: this.files
                });
            }
        };
    }
    /** The call's checks judged, and what the doctors add to a failure. */
    async failureOf(call, result, token) {
        const { settings } = this;
        const verdict = await (0,outcome_check/* judgeAnswer */._n)(result, {
            label: `${call.method} ${call.url}`,
            successWhen: call.successWhen,
            failWhen: call.failWhen,
            until: undefined,
            maskResponse: settings.maskResponse,
            retryOn: settings.retryOn
        }, CheckLines);
        const judged = { ...result, failure: verdict.state === 'failed' ? verdict.failure : undefined };
        const explained = await this.doctors.explain((0,service_call/* withRefusalExplained */.vw)(judged, settings, token), call);
        return explained.failure;
    }
    /** The folder of the bodies too large for the results file, made when the first one comes. */
    responsesFolder() {
        const folder = process.env['RUNNER_TEMP'] || external_node_os_default().tmpdir();
        this.responses ??= (0,promises_.mkdir)(folder, { recursive: true }).then(() => (0,promises_.mkdtemp)(external_node_path_default().join(folder, 'd365fo-responses-')));
        return this.responses;
    }
}
/** One line per finished call is the log; what each check read is there for debugging. */
const CheckLines = { info: checkLine, warning: checkLine };
function checkLine(line) {
    core/* debug */.Yz((0,safe_line/* safeLine */.o)(line));
}
/** The result of a call that was sent: its body inline when it is small, else its file. */
function resultOf(call, result, failure, maskResponse) {
    const body = result.body;
    const inline = body !== undefined && body.file === '' && body.bytes <= InlineResponseBytes;
    return {
        name: call.name,
        index: call.index,
        line: call.line,
        serviceName: call.serviceName,
        status: result.status,
        attempts: result.attempts,
        elapsedMs: result.elapsedMs,
        // The ActivityId is part of the body: mask-response keeps it in the results file only.
        activityId: result.activityId,
        error: failure === undefined ? undefined : (0,common_failure/* errorLine */.BP)(failure, maskResponse),
        responseJson: inline ? bodyJson(body.head) : undefined,
        responseFile: body !== undefined && !inline ? body.file || undefined : undefined
    };
}
/** The result of a call that sent no request: its line of calls-file is bad, or it was held back. */
function unsent(entry, error) {
    const file = 'problem' in entry;
    return {
        name: file ? `line ${entry.line}` : entry.name,
        index: entry.index,
        line: entry.line,
        serviceName: file ? undefined : entry.serviceName,
        status: undefined,
        attempts: 0,
        elapsedMs: 0,
        activityId: undefined,
        error: (0,safe_line/* safeLine */.o)(error),
        responseJson: undefined,
        responseFile: undefined
    };
}
/**
 * A body as the results file holds it: its own JSON text when it is JSON (checked by JSON.parse,
 * which does not recurse), or its text as a JSON string when it is not.
 */
function bodyJson(head) {
    if (head.length === 0)
        return undefined;
    const text = head.toString('utf8').replace(/^\uFEFF/, '');
    try {
        JSON.parse(text);
        return text;
    }
    catch {
        return JSON.stringify(text);
    }
}

// EXTERNAL MODULE: ./src/many/call-tally.ts
var call_tally = __webpack_require__(7660);
// EXTERNAL MODULE: ./src/call/call-spec.ts
var call_spec = __webpack_require__(1676);
// EXTERNAL MODULE: ./src/common/json-syntax.ts
var json_syntax = __webpack_require__(8367);
// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __webpack_require__(4573);
;// CONCATENATED MODULE: ./src/common/line-reader.ts

/**
 * Splits a byte stream into lines (LF or CRLF; a last line without LF counts), decoding each
 * as UTF-8 and dropping a leading byte order mark. Memory is bounded by `maxLineBytes`: a longer
 * line is skipped to its end and reported as too long instead of being buffered, so a huge line
 * cannot exhaust the memory as node:readline would. LF never occurs inside a UTF-8 sequence,
 * so splitting bytes before decoding is exact.
 */
async function* readLines(stream, maxLineBytes) {
    let number = 1;
    let parts = [];
    let length = 0;
    let tooLong = false;
    const finish = () => {
        const line = tooLong ? { number, tooLong: true } : decodeLine(parts, length, number);
        number++;
        parts = [];
        length = 0;
        tooLong = false;
        return line;
    };
    const keep = (bytes, copy) => {
        if (tooLong || bytes.length === 0)
            return;
        if (length + bytes.length > maxLineBytes) {
            tooLong = true;
            parts = [];
            length = 0;
            return;
        }
        // What outlives its chunk is copied: a stream may reuse a chunk's memory.
        parts.push(copy ? Buffer.from(bytes) : bytes);
        length += bytes.length;
    };
    for await (const chunk of stream) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        let start = 0;
        for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
            keep(bytes.subarray(start, end), false);
            start = end + 1;
            yield finish();
        }
        keep(bytes.subarray(start), true);
    }
    if (length > 0 || tooLong)
        yield finish();
}
function decodeLine(parts, length, number) {
    const bytes = Buffer.concat(parts, length);
    // Decoding would turn a bad byte into U+FFFD silently, and the call would send that instead.
    if (!(0,external_node_buffer_.isUtf8)(bytes)) {
        const offset = firstInvalidUtf8(bytes);
        return { number, invalidUtf8: { offset, byte: bytes[offset] ?? 0 } };
    }
    return { number, text: decode(bytes, number === 1) };
}
/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes) {
    let i = 0;
    while (i < bytes.length) {
        const lead = bytes[i];
        let size;
        let min = 0x80;
        let max = 0xbf;
        if (lead < 0x80)
            size = 1;
        else if (lead >= 0xc2 && lead <= 0xdf)
            size = 2;
        else if (lead >= 0xe0 && lead <= 0xef) {
            size = 3;
            // No overlong forms, no surrogates.
            if (lead === 0xe0)
                min = 0xa0;
            if (lead === 0xed)
                max = 0x9f;
        }
        else if (lead >= 0xf0 && lead <= 0xf4) {
            size = 4;
            if (lead === 0xf0)
                min = 0x90;
            if (lead === 0xf4)
                max = 0x8f;
        }
        else
            return i;
        for (let k = 1; k < size; k++) {
            const next = bytes[i + k];
            if (next === undefined)
                return i;
            const low = k === 1 ? min : 0x80;
            const high = k === 1 ? max : 0xbf;
            if (next < low || next > high)
                return i + k;
        }
        i += size;
    }
    return bytes.length;
}
function decode(bytes, first) {
    let text = bytes.toString('utf8');
    if (text.endsWith('\r'))
        text = text.slice(0, -1);
    return first ? text.replace(/^\uFEFF/, '') : text;
}

// EXTERNAL MODULE: ./src/common/payload-source.ts
var payload_source = __webpack_require__(9289);
;// CONCATENATED MODULE: ./src/many/calls-file.ts





/** The longest line of a calls-file, in bytes: one call with its payload. */
const MaxCallLineBytes = 4 * 1024 * 1024;
/**
 * Streams the calls of a JSON Lines file, one line at a time, so a file of any size is never
 * held in memory. Blank lines are skipped. A line that is not a call is yielded with its line
 * number and the reason, never quoting it (a payload may hold personal data).
 */
async function* readCallsFile(file, options) {
    const maxLineBytes = options.maxLineBytes ?? MaxCallLineBytes;
    const stream = (0,external_node_fs_.createReadStream)(file, { highWaterMark: 64 * 1024 });
    try {
        for await (const line of readLines(stream, maxLineBytes)) {
            if ('tooLong' in line) {
                yield {
                    line: line.number,
                    problem: `longer than ${maxLineBytes} bytes, the most one line may hold`
                };
                continue;
            }
            if ('invalidUtf8' in line) {
                const { offset, byte } = line.invalidUtf8;
                yield {
                    line: line.number,
                    problem: `not valid UTF-8 (JSON Lines is UTF-8): byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at byte offset ${offset} of the line`
                };
                continue;
            }
            // Blank by JSON's white space, as countCallLines counts: a line of other white space
            // (U+00A0, a form feed) is a call that fails, never one silently dropped from the total.
            if (/^[ \t\r]*$/.test(line.text))
                continue;
            yield { line: line.number, ...(await readCallLine(line.text, options.format)) };
        }
    }
    finally {
        stream.destroy();
    }
}
/** One non-blank line as a call, or why it is not one. */
async function readCallLine(text, format) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return { problem: `not valid JSON: ${(await (0,json_syntax/* describeJsonError */.M)(text)) ?? 'not valid JSON'}` };
    }
    if (format === 'payloads') {
        if (!(0,call_spec/* isRecord */.u4)(value))
            return { problem: `expected a JSON object; got ${(0,call_spec/* kindOf */.I)(value)}` };
        return {
            call: {
                name: undefined,
                serviceName: undefined,
                // Sent as written: the bytes of the line are the payload.
                payload: text,
                method: undefined,
                successWhen: undefined,
                failWhen: undefined
            }
        };
    }
    // An object payload is sent as the line writes it, never re-serialised.
    const payload = (0,call_spec/* isRecord */.u4)(value) ? value[call_spec/* CallKeys */.n1.payload] : undefined;
    const texts = typeof payload === 'object' && payload !== null
        ? await (0,payload_source/* jsonPayloadTexts */.R)(text, false)
        : undefined;
    const call = await (0,call_spec/* readCallObject */.Q0)(value, texts instanceof Map ? texts.get(0) : texts);
    return 'problem' in call ? call : { call };
}
/**
 * How many calls a calls-file holds (its non-blank lines), counted by streaming its bytes once,
 * so progress can say "done of total" without keeping the file in memory.
 */
async function countCallLines(file) {
    let count = 0;
    let content = false;
    let first = true;
    for await (const chunk of (0,external_node_fs_.createReadStream)(file, { highWaterMark: 256 * 1024 })) {
        const bytes = chunk;
        let from = 0;
        if (first) {
            first = false;
            // A byte order mark is not content.
            if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
                from = 3;
        }
        for (let i = from; i < bytes.length; i++) {
            const byte = bytes[i];
            if (byte === 0x0a) {
                if (content)
                    count++;
                content = false;
            }
            else if (!content && byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
                content = true;
            }
        }
    }
    return content ? count + 1 : count;
}

// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
;// CONCATENATED MODULE: ./src/many/folded-log.ts
/**
 * The first line of a run is written at once (the log stays live); its repeats are written as one
 * line, `<line> (×4 more in a row)`, when a different line comes or the log is flushed.
 */
function createFoldedLog(write) {
    let last;
    let repeats = 0;
    const flush = () => {
        if (repeats > 0)
            write(`${last} (×${repeats} more in a row)`);
        repeats = 0;
    };
    return {
        info(line) {
            if (line === last) {
                repeats++;
                return;
            }
            flush();
            last = line;
            write(line);
        },
        flush() {
            flush();
            last = undefined;
        }
    };
}

// EXTERNAL MODULE: ./src/transport/http.ts
var http = __webpack_require__(4025);
;// CONCATENATED MODULE: ./src/many/progress.ts
/** How often the step says how far it got. */
const ProgressIntervalMs = 10_000;
/** Starts counting now; `total` is the number of calls when known. */
function createProgress(total, deps) {
    const startedAt = deps.now();
    let done = 0;
    let failed = 0;
    const of = total === undefined ? '' : `/${total}`;
    return {
        finished(result) {
            done++;
            if (result.error !== undefined)
                failed++;
            const status = result.status === undefined ? 'no answer' : `HTTP ${result.status}`;
            const facts = `${status}, ${result.attempts} ${result.attempts === 1 ? 'attempt' : 'attempts'}, ${Math.round(result.elapsedMs)} ms`;
            // The call's own place (its line in calls-file), not the order calls happen to finish in.
            const line = result.line === undefined ? undefined : `line ${result.line}`;
            const place = line === undefined
                ? `[${result.index}${of}] ${result.name}`
                : `[${line}]${result.name === line ? '' : ` ${result.name}`}`;
            deps.info(result.error === undefined
                ? `${place}: ok (${facts})`
                : `${place}: failed (${facts}) — ${result.error}`);
        },
        status(inFlight, concurrency) {
            const seconds = Math.max(0.001, (deps.now() - startedAt) / 1000);
            const rate = done / seconds;
            deps.info(`Progress: ${done}${of} calls done (${failed} failed) in ${Math.round(seconds)} s, ` +
                `${rate.toFixed(rate < 10 ? 1 : 0)} calls/s; ${inFlight} in flight, concurrency ${concurrency}`);
        }
    };
}

// EXTERNAL MODULE: ./src/transport/response-file.ts
var response_file = __webpack_require__(4057);
// EXTERNAL MODULE: ./src/call/start-delay.ts
var start_delay = __webpack_require__(4050);
// EXTERNAL MODULE: ./src/call/payload-file.ts
var payload_file = __webpack_require__(5861);
// EXTERNAL MODULE: ./src/transport/file-conflicts.ts
var file_conflicts = __webpack_require__(4233);
;// CONCATENATED MODULE: ./src/many/worker-pool.ts
/**
 * Runs `work` on every item of `items` with at most `limit()` at once, pulling the next item
 * only when a slot is free, so a source of any length (a streamed file) is never read ahead.
 * `work` is expected to turn failures into results; if it (or `done`, or the source) throws
 * anyway, no new item starts, the running ones finish, and the first error is thrown.
 * Returns how many items were started.
 */
async function runPool(items, work, options) {
    const iterator = Symbol.asyncIterator in items
        ? items[Symbol.asyncIterator]()
        : (async function* () {
            yield* items;
        })();
    const running = new Set();
    let failure;
    let started = 0;
    try {
        for (;;) {
            while (running.size >= Math.max(1, Math.floor(options.limit()))) {
                await Promise.race(running);
            }
            if (failure)
                break;
            const next = await iterator.next();
            if (next.done)
                break;
            const index = started++;
            const task = (async () => {
                const result = await work(next.value, index);
                await options.done(index, result);
            })()
                .catch((error) => {
                failure ??= { error };
            })
                .finally(() => running.delete(task));
            running.add(task);
        }
    }
    catch (error) {
        failure ??= { error };
    }
    await Promise.all(running);
    if (failure) {
        await iterator.return?.();
        throw failure.error;
    }
    return started;
}

;// CONCATENATED MODULE: ./src/many/many-calls.ts


























/**
 * Runs many calls in one step: the results file is opened and the calls counted before any
 * request, then one sign-in (renewed before it expires), one connection pool, and at most
 * `concurrency` calls in flight. A 429 on any call pauses them all for its Retry-After (plus a
 * little jitter), and repeated 429s halve the calls in flight until a run of successes brings
 * them back. Each call has its own retries, checks and result, written in input order.
 */
async function runManyCalls(settings, many, early = early_connection_set/* NoEarlyConnections */.y) {
    keepHeapSmall();
    let results;
    let total;
    try {
        results = await openResults(many);
        total = many.calls?.length ?? (await countFileCalls(many.callsFile ?? ''));
    }
    catch (error) {
        return notRun(settings, (0,common_failure/* failureOf */.g5)(error, 'input'));
    }
    // The path is input text: it may hold a line break or `##[`, so it is printed inert.
    core/* info */.pq((0,safe_line/* safeLine */.o)(`${total} ${total === 1 ? 'call' : 'calls'} from ${many.calls ? constants/* Inputs */.G0.Calls : constants/* Inputs */.G0.CallsFile}, at most ${many.concurrency} at once; results in ${results.path}`));
    await (0,start_delay/* waitStartDelay */.F)(settings.throttleSeed);
    // Every call shares it; its first connection opens while signing in, if not earlier.
    const transport = (0,http/* createTransport */.o)({
        timeoutMs: settings.timeoutMs,
        followRedirects: true,
        pool: early.service
    });
    transport.preconnect(settings.expectedToken.systemUrl);
    let tokens;
    try {
        tokens = await (0,auth/* signInForStep */.YZ)(settings, early.authority);
    }
    catch (error) {
        transport.close();
        await results.handle.close().catch(() => undefined);
        return notRun(settings, (0,common_failure/* failureOf */.g5)(error, 'sign-in'), results.path, total);
    }
    return runCalls({ settings, many, results, total, tokens, transport });
}
/** A step that ran no call: every call counts as failed. */
function notRun(settings, failure, resultsFile = '', total = 0) {
    return {
        settings,
        tally: { total, succeeded: 0, failed: total, rows: [], failedNames: [] },
        attempts: 0,
        elapsedMs: 0,
        throttling: throttle_doctor/* NoThrottling */.VA,
        resultsFile,
        failure
    };
}
/** Runs the calls through the worker pool, their results written in input order as they end. */
async function runCalls(step) {
    const { settings, results, transport } = step;
    const startedAt = Date.now();
    let attempts = 0;
    const tally = (0,call_tally/* createTally */.Xf)();
    // The step's log lines: a 429 that pauses every call in flight is one line with a count.
    const log = createFoldedLog(line => core/* info */.pq(line));
    const run = new CallRunner(settings, step.tokens, transport, step.many, log);
    const ended = (failure) => ({
        settings,
        tally: tally.snapshot(),
        attempts,
        elapsedMs: Date.now() - startedAt,
        throttling: run.throttling(),
        resultsFile: results.path,
        failure
    });
    try {
        const writer = await openResultsWriter(results);
        const progress = createProgress(step.total, {
            now: () => Date.now(),
            info: line => log.info((0,safe_line/* safeLine */.o)(line))
        });
        const ticker = setInterval(() => progress.status(run.inFlight(), run.limit()), ProgressIntervalMs);
        ticker.unref();
        let ran;
        try {
            ran = await runPool(entries(step.many, step.results.path), entry => run.call(entry), {
                limit: () => run.limit(),
                async done(position, result) {
                    attempts += result.attempts;
                    tally.add(result);
                    progress.finished(result);
                    await writer.add(position, resultLine(result));
                }
            });
        }
        finally {
            clearInterval(ticker);
            log.flush();
            await writer.close();
        }
        progress.status(0, run.limit());
        // Every call counted must have run (or failed): a step never ends green on calls it skipped.
        if (ran !== step.total) {
            throw new Error(`${step.total} calls were counted before the step began, but ${ran} were read`);
        }
        return ended(undefined);
    }
    catch (error) {
        return ended((0,common_failure/* failureOf */.g5)(error, 'internal'));
    }
    finally {
        transport.close();
    }
}
/**
 * Thousands of calls allocate steadily, though little stays alive (a few MiB). Left alone, V8
 * grows its young generation to three 16 MiB semi-spaces and lets the old one fill with garbage
 * up to several times what is alive before it collects: together most of the step's memory,
 * growing with the number of calls. Keeping the young generation at its starting size and the
 * old one close to what is alive keeps memory flat (100,000 calls within 1.5× of 10), for more
 * frequent, short collections.
 */
function keepHeapSmall() {
    external_node_v8_default().setFlagsFromString('--semi-space-growth-factor=1');
    external_node_v8_default().setFlagsFromString('--heap-growing-percent=10');
}
/** The results-file input, checked and opened as response-file is; else a fresh file under RUNNER_TEMP. */
async function openResults(many, env = process.env) {
    if (many.resultsFile)
        return (0,response_file/* openResponseFile */.CO)(many.resultsFile, env, constants/* Inputs */.G0.ResultsFile);
    const folder = env['RUNNER_TEMP'] || external_node_os_default().tmpdir();
    await (0,promises_.mkdir)(folder, { recursive: true });
    const file = external_node_path_default().join(folder, `d365fo-results-${(0,external_node_crypto_.randomUUID)()}.jsonl`);
    return { path: file, handle: await (0,promises_.open)(file, 'wx') };
}
/** The calls in calls-file, counted before any request; a file without one is a bad input. */
async function countFileCalls(file) {
    const count = await countCallLines(file);
    if (count === 0) {
        throw new errors/* InputError */.dz(constants/* Inputs */.G0.CallsFile, `Invalid ${constants/* Inputs */.G0.CallsFile}: ${file} holds no calls (every line is blank).`);
    }
    return count;
}
/** The calls in input order: `calls` as checked, or the lines of calls-file as they are read. */
async function* entries(many, resultsPath) {
    if (many.calls) {
        yield* many.calls;
        return;
    }
    const cache = (0,call_plan/* createExpressionCache */.t)();
    let index = 0;
    for await (const entry of readCallsFile(many.callsFile ?? '', {
        format: many.callsFileFormat
    })) {
        index++;
        yield await prepareEntry(entry, index, many, resultsPath, cache);
    }
}
async function prepareEntry(entry, index, many, resultsPath, cache) {
    if ('problem' in entry)
        return { index, line: entry.line, problem: entry.problem };
    // A line read while the step runs may name the results file it is writing: never sent as a payload.
    const payloadFile = entry.call.payloadFile;
    if (payloadFile !== undefined) {
        const named = (0,payload_file/* payloadFilePath */.yM)(payloadFile, process.env);
        const same = await (0,file_conflicts/* findSameFile */.I)([
            { input: constants/* Inputs */.G0.PayloadFile, path: named },
            { input: constants/* Inputs */.G0.ResultsFile, path: resultsPath }
        ]);
        if (same !== undefined) {
            return {
                index,
                line: entry.line,
                problem: `${constants/* Inputs */.G0.PayloadFile} ${named} is the ${constants/* Inputs */.G0.ResultsFile}, which this step writes`
            };
        }
    }
    const call = await (0,call_plan/* prepareCall */.m)(entry.call, many.defaults, { index, line: entry.line }, cache);
    return 'problem' in call ? { index, line: entry.line, problem: call.problem } : call;
}


/***/ })

};
