// @ts-check
/**
 * Preloaded with `node --import`, registers loader hooks that append the URL of every ES module
 * the process loads (the bundle's lazily loaded chunks included) to BENCH_MODULE_LOG.
 * @module
 */
import { register } from 'node:module'

register('./module-log-hooks.mjs', import.meta.url, {
  data: { file: process.env['BENCH_MODULE_LOG'] ?? '' }
})
