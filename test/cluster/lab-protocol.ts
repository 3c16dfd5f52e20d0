/**
 * What the test says to the network lab and what the lab answers: one JSON object a line, on the lab's
 * stdin and stdout. Every request carries an id that its reply repeats.
 */

/** The LAN every host is on; the server host holds the bridge and the first address. */
export const LAN_PREFIX = '10.77.0';
export const SERVER_ADDRESS = `${LAN_PREFIX}.1`;
/** The lab process itself, where port forwards to the test's side start. */
export const CLIENT_ADDRESS = `${LAN_PREFIX}.2`;
export const SERVER_HOST = 'server';

/** Where each host sees its own disk: a bind mount of `<lab>/hosts/<host>` in its mount namespace. */
export const HOST_DISK = '/run/disk';

export type LabRequest =
  | { op: 'addHost'; host: string }
  | { op: 'start'; host: string; name: string; argv: string[]; env: Record<string, string>; cwd?: string }
  | { op: 'exec'; host: string; argv: string[]; env: Record<string, string>; timeoutMs: number }
  | { op: 'link'; host: string; up: boolean }
  | { op: 'signal'; pid: number; signal: NodeJS.Signals }
  | { op: 'forward'; socket: string; to: { host: string; port: number } }
  | { op: 'ps' };

export interface LabProcess {
  /** As the lab's pid namespace numbers it. */
  pid: number;
  ppid: number;
  pgrp: number;
  /** One letter, as in /proc/<pid>/stat: R, S, D, Z... */
  state: string;
  argv: string[];
  /** The host whose network namespace the process is in; null for the lab's own. */
  host: string | null;
}

export type LabReply =
  | { id: number; ok: true; address?: string; pid?: number; code?: number | null; stdout?: string; stderr?: string; processes?: LabProcess[] }
  | { id: number; ok: false; error: string };

/** The first line the lab prints once its namespaces are up, or its last when it cannot set them up. */
export type LabStatus = { ready: true } | { ready: false; error: string };
