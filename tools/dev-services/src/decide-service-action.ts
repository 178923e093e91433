import type { ListenerKind } from "./probe-result.ts";
import type { ServiceName } from "./service-types.ts";
import type { ServicesErrorCode } from "./services-error.ts";

/** Everything `servicesUp` weighs for one service, gathered by the caller (no I/O here). */
export interface ServiceSituation {
  name: ServiceName;
  /** The configured URL, password redacted. */
  url: string;
  /** What answered at the URL (the caller has already waited out "starting"). */
  listener: ListenerKind;
  /** The probe's explanation, quoted in failures. */
  listenerDetail: string;
  /** The URL's host is this machine, so vpa may start a server there. */
  loopback: boolean;
  /** The binaries to start a private server were found. */
  binariesFound: boolean;
  /** Running as root (uid 0). */
  root: boolean;
  /** apt-get is on this machine (Debian/Ubuntu). */
  aptAvailable: boolean;
  /** `ServicesOptions.allowInstall`. */
  allowInstall: boolean;
  /** An install already ran in this call: never loop on a failing install. */
  installAttempted: boolean;
}

export type ServiceAction =
  | { kind: "use-running" }
  | { kind: "start-private" }
  | { kind: "install-packages"; packages: readonly string[] }
  | { kind: "fail"; code: ServicesErrorCode; message: string };

const displayNames = { redis: "Redis", postgres: "PostgreSQL" } as const satisfies Record<
  ServiceName,
  string
>;
const urlVariables = { redis: "REDIS_URL", postgres: "DATABASE_URL" } as const satisfies Record<
  ServiceName,
  string
>;
/** Debian/Ubuntu packages providing the binaries. */
export const aptPackages = {
  redis: ["redis-server"],
  postgres: ["postgresql"],
} as const satisfies Record<ServiceName, readonly string[]>;
const binaryNames = { redis: "redis-server", postgres: "initdb and pg_ctl" } as const satisfies Record<
  ServiceName,
  string
>;

/** The part of every "cannot provide it" message that tells the user how to get the service. */
export function describeHowToProvide(name: ServiceName, url: string): string {
  return [
    `To provide ${displayNames[name]} yourself, either:`,
    "  - with Docker, from the repository root: docker compose up -d redis postgres",
    `  - or install it (Debian/Ubuntu: sudo apt-get install ${aptPackages[name].join(" ")}; macOS: brew install ${name === "redis" ? "redis" : "postgresql"})`,
    `and set ${urlVariables[name]} to where it listens (now ${url}).`,
  ].join("\n");
}

function unavailable(situation: ServiceSituation, reason: string): ServiceAction {
  const name = displayNames[situation.name];
  return {
    kind: "fail",
    code: "SERVICES_UNAVAILABLE",
    message: `${situation.name}: no ${name} answers at ${situation.url} (${situation.listenerDetail}) and ${reason}.\n${describeHowToProvide(situation.name, situation.url)}`,
  };
}

/** Decides what `servicesUp` does for one service. Pure: same situation, same action. */
export function decideServiceAction(situation: ServiceSituation): ServiceAction {
  const name = displayNames[situation.name];
  switch (situation.listener) {
    case "ready":
      return { kind: "use-running" };
    case "starting":
      return {
        kind: "fail",
        code: "SERVICES_UNAVAILABLE",
        message: `${situation.name}: the ${name} server at ${situation.url} is still starting up (${situation.listenerDetail}). Try again in a moment.`,
      };
    case "rejected":
      return {
        kind: "fail",
        code: "SERVICES_REJECTED",
        message: `${situation.name}: the ${name} server at ${situation.url} refused the connection: ${situation.listenerDetail}. Check the user and password in ${urlVariables[situation.name]}.`,
      };
    case "foreign":
      return {
        kind: "fail",
        code: "SERVICES_PORT_IN_USE",
        message: `${situation.name}: something that is not ${name} listens at ${situation.url}: ${situation.listenerDetail}. Stop that program or point ${urlVariables[situation.name]} at a free port.`,
      };
    case "none":
      break;
  }
  if (!situation.loopback) {
    return unavailable(situation, "its host is not this machine, so vpa cannot start one there");
  }
  if (situation.binariesFound) return { kind: "start-private" };
  const missing = `${binaryNames[situation.name]} ${situation.name === "redis" ? "is" : "are"} not installed`;
  if (situation.installAttempted) return unavailable(situation, `${missing} even after apt-get install`);
  if (!situation.allowInstall) return unavailable(situation, `${missing} (installing is disabled)`);
  if (!situation.aptAvailable) return unavailable(situation, `${missing} and this machine has no apt-get`);
  if (!situation.root) return unavailable(situation, `${missing} and installing needs root`);
  return { kind: "install-packages", packages: aptPackages[situation.name] };
}
