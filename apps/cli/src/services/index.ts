export type { ServiceAction, ServiceSituation } from "./decide-service-action.ts";
export { aptPackages, decideServiceAction, describeHowToProvide } from "./decide-service-action.ts";
export type { ListenerKind, ProbeResult } from "./probe-result.ts";
export type { ServiceName, ServiceOrigin, ServiceStatus, ServicesOptions } from "./service-types.ts";
export { serviceNames, serviceOrigins } from "./service-types.ts";
export type { ServicesErrorCode } from "./services-error.ts";
export { ServicesError, servicesErrorCodes } from "./services-error.ts";
export { servicesDown, servicesStatus, servicesUp } from "./services-manager.ts";
