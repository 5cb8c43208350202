// The server panel: polls /v1/status, shows the numbers and plots the last minute of them.
import { drawSparkline } from './sparkline.js';
import { formatPercent, formatRate, formatUptime } from './format.js';

const HISTORY = 60;

// The server's defaults, used until the first status arrives.
const DEFAULT_LIMITS = Object.freeze({ maxImageBytes: 20 * 1024 * 1024, maxImagesPerRequest: 8, maxRequestBodyBytes: 64 * 1024 * 1024 });

export class ServerPanel {
  constructor(api, root, intervalMs = 1000) {
    this.api = api;
    this.intervalMs = intervalMs;
    this.limits = DEFAULT_LIMITS;
    this.history = [];
    this.inFlight = null;
    this.again = false;
    this.element = id => root.querySelector(`#${id}`);
  }

  start() {
    const tick = async () => {
      if (!document.hidden) await this.refresh();
      setTimeout(tick, this.intervalMs);
    };
    tick();
  }

  /** Polls now; a call while a poll is under way polls once more after it, so the panel never lags a known change. */
  async refresh() {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.#poll();
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
    }
    if (this.again) {
      this.again = false;
      await this.refresh();
    }
  }

  async #poll() {
    try {
      this.#show(await this.api.getJson('/v1/status'));
    } catch (error) {
      this.element('server-state').textContent = error.status === 401
        ? 'The server needs an API key: enter it under Settings.'
        : `Status unavailable: ${error.message}`;
    }
  }

  #show(status) {
    const { requests, kv_cache: kv, throughput, limits, caches } = status;
    this.limits = {
      maxImageBytes: limits.max_image_bytes,
      maxImagesPerRequest: limits.max_images_per_request,
      maxRequestBodyBytes: limits.max_request_body_bytes,
    };
    this.element('server-state').textContent =
      `${status.state}${status.model ? ` · ${status.model}` : ''} · up ${formatUptime(status.uptime_seconds)}`;
    this.element('stat-running').textContent = `${requests.running} of ${requests.max_running}`;
    this.element('stat-waiting').textContent = String(requests.waiting);
    this.element('stat-kv').textContent = `${formatPercent(kv.usage)} (${kv.slots_used}/${kv.slots_total} slots)`;
    this.element('stat-generation-rate').textContent = `${formatRate(throughput.generation_tokens_per_second)} tok/s`;
    this.element('stat-prompt-rate').textContent = `${formatRate(throughput.prompt_tokens_per_second)} tok/s`;
    this.element('stat-finished').textContent = String(throughput.sequences_finished_total);
    this.#showCaches(caches);

    this.history.push({ running: requests.running, waiting: requests.waiting, rate: throughput.generation_tokens_per_second, kv: kv.usage });
    if (this.history.length > HISTORY) this.history.shift();
    this.#plot(requests.max_running);
  }

  #showCaches(caches) {
    const list = this.element('cache-stats');
    list.hidden = caches.length === 0;
    list.replaceChildren(...caches.map(cache => {
      const row = document.createElement('div');
      const term = document.createElement('dt');
      term.textContent = `${cache.name} cache hits`;
      const value = document.createElement('dd');
      value.textContent = cache.hit_rate === null ? '–' : `${formatPercent(cache.hit_rate)} of ${cache.hits + cache.misses}`;
      row.append(term, value);
      return row;
    }));
  }

  #plot(maxRunning) {
    const last = this.history[this.history.length - 1];
    const seconds = Math.round(this.history.length * this.intervalMs / 1000);
    drawSparkline(this.element('plot-requests'), [
      { values: this.history.map(sample => sample.running), className: 'line-running' },
      { values: this.history.map(sample => sample.waiting), className: 'line-waiting' },
    ], HISTORY, maxRunning, `Running and waiting sequences over the last ${seconds} s; now ${last.running} running, ${last.waiting} waiting.`);
    drawSparkline(this.element('plot-rate'), [{ values: this.history.map(sample => sample.rate), className: 'line-rate' }],
      HISTORY, 1, `Generated tokens per second over the last ${seconds} s; now ${formatRate(last.rate)}.`);
    drawSparkline(this.element('plot-kv'), [{ values: this.history.map(sample => sample.kv), className: 'line-kv' }],
      HISTORY, 1, `KV-cache use over the last ${seconds} s; now ${formatPercent(last.kv)}.`);
  }
}
