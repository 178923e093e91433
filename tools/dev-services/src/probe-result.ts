/**
 * What answered at a service URL, as seen by one probe:
 * - ready: the expected server answered and accepted us.
 * - starting: the expected server answered but is still loading / starting up.
 * - rejected: the expected server answered and refused us (authentication, missing role...).
 * - foreign: something listens on the port but does not speak the expected protocol.
 * - none: nothing listens (connection refused, host unreachable, connect timeout).
 */
export const listenerKinds = ["ready", "starting", "rejected", "foreign", "none"] as const;
export type ListenerKind = (typeof listenerKinds)[number];

export interface ProbeResult {
  listener: ListenerKind;
  /** Why, in words, e.g. "connect ECONNREFUSED 127.0.0.1:6379" or the server's error. */
  detail: string;
}
