import type { ReadinessCheck, ReadinessInput } from './types';

/**
 * Monitoring configured: passes when the spec turns monitoring on and every alert target it names is one of
 * the workers' (TEMPERED_ALERT_TARGETS; see config/alert-targets.ts). When the workers' file cannot be read,
 * no named target counts as configured. Evidence names targets, never their URLs.
 */
export function checkMonitoring({ monitoring, workerAlertTargets }: Pick<ReadinessInput, 'monitoring' | 'workerAlertTargets'>): ReadinessCheck {
  const named = [...new Set(monitoring.alertTargets)];
  const unreadable = 'error' in workerAlertTargets ? workerAlertTargets.error : null;
  const configured = new Set(unreadable === null ? (workerAlertTargets as readonly string[]) : []);
  const missing = named.filter((target) => !configured.has(target));
  return {
    name: 'monitoring.configured',
    passed: monitoring.enabled && missing.length === 0,
    evidence: {
      enabled: monitoring.enabled,
      alert_targets: named,
      missing,
      ...(unreadable === null ? { worker_targets_configured: configured.size } : { worker_targets_error: unreadable }),
      ...(named.length === 0 ? { note: 'the spec names no alert target (monitoring.alert.target): breaches show only in the monitoring status' } : {}),
    },
  };
}
