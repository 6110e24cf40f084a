import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BotObserver } from '../src/bot/ports.js';

/** Prometheus metrics for one process; each server gets its own registry so tests can start several. */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  platformRequests: Counter<'platform' | 'kind'>;
  answers: Counter<'platform' | 'answered'>;
  abstentions: Counter<'platform'>;
  answerLatency: Histogram<'platform'>;
  returnsSubmitted: Counter<'platform' | 'status'>;
  errors: Counter<'code' | 'where'>;
  /** Reminders, nudges and digests by how each attempt ended (outcome invalid_request: the platform refused the payload). */
  notifications: Counter<'kind' | 'platform' | 'outcome'>;
  deliveries: Counter<'platform' | 'outcome'>;
  /** Bot core hooks feeding the counters above. */
  observer: BotObserver;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'camden_' });
  const registers = [registry];
  const httpRequests = new Counter({ name: 'camden_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'] as const, registers });
  const platformRequests = new Counter({ name: 'camden_platform_requests_total', help: 'Slack/Teams deliveries by kind', labelNames: ['platform', 'kind'] as const, registers });
  const answers = new Counter({ name: 'camden_answers_total', help: 'Questions answered (answered=false: abstained)', labelNames: ['platform', 'answered'] as const, registers });
  const abstentions = new Counter({ name: 'camden_abstentions_total', help: 'Questions the documents did not cover', labelNames: ['platform'] as const, registers });
  const answerLatency = new Histogram({
    name: 'camden_answer_latency_seconds',
    help: 'Time to produce an answer',
    labelNames: ['platform'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const returnsSubmitted = new Counter({ name: 'camden_returns_submitted_total', help: 'Attendance returns by outcome', labelNames: ['platform', 'status'] as const, registers });
  const errors = new Counter({ name: 'camden_errors_total', help: 'Errors by code and where they happened', labelNames: ['code', 'where'] as const, registers });
  const notifications = new Counter({
    name: 'camden_notifications_total',
    help: 'Reminder, nudge and digest sends by outcome (sent, skipped, unreachable, permanent, invalid_request, unknown, rate_limited, transient)',
    labelNames: ['kind', 'platform', 'outcome'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'camden_deliveries_total',
    help: 'Slack/Teams deliveries not handled: duplicate (already handled) or skipped (a retry that could not be recorded)',
    labelNames: ['platform', 'outcome'] as const,
    registers,
  });
  const observer: BotObserver = {
    answered: ({ answered, seconds, platform }) => {
      answers.inc({ platform, answered: String(answered) });
      if (!answered) abstentions.inc({ platform });
      answerLatency.observe({ platform }, seconds);
    },
    returnSubmitted: ({ status, platform }) => returnsSubmitted.inc({ platform, status }),
    error: ({ code, where }) => errors.inc({ code, where }),
  };
  return { registry, httpRequests, platformRequests, answers, abstentions, answerLatency, returnsSubmitted, errors, notifications, deliveries, observer };
}
