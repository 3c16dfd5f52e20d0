import { fail } from '../failures';
import { readNameMapFile } from './name-map-file';

/**
 * Alert targets: `TEMPERED_ALERT_TARGETS` names a YAML file of `target: URL` lines on the workers that send
 * alerts. A spec names a target; its URL (often a secret, like a chat webhook) never enters workflow history.
 */
export function alertTargets(env: NodeJS.ProcessEnv = process.env): Map<string, URL> {
  const targets = new Map<string, URL>();
  for (const [name, raw] of readNameMapFile('TEMPERED_ALERT_TARGETS', env)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw fail('WorkerMisconfigured', `TEMPERED_ALERT_TARGETS: target "${name}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('WorkerMisconfigured', `TEMPERED_ALERT_TARGETS: target "${name}" must be an http(s) URL`);
    targets.set(name, url);
  }
  return targets;
}
