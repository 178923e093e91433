import { describeCommandFailure, runCommand } from "./run-command.ts";
import { ServicesError } from "./services-error.ts";

/** `apt-get update && apt-get install -y <packages>`, non-interactive. Slow: minutes, not seconds. */
export async function installAptPackages(
  aptGet: string,
  packages: readonly string[],
  log: (line: string) => void,
): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const steps: { args: string[]; label: string }[] = [
    { args: ["update"], label: "apt-get update" },
    {
      args: ["install", "-y", "--no-install-recommends", ...packages],
      label: `apt-get install -y ${packages.join(" ")}`,
    },
  ];
  for (const step of steps) {
    log(`services: running ${step.label}`);
    const result = await runCommand(aptGet, step.args, { env, timeoutMs: 15 * 60_000 });
    if (result.exitCode !== 0) {
      throw new ServicesError(
        "SERVICES_INSTALL_FAILED",
        `services: ${describeCommandFailure(step.label, result)}`,
      );
    }
  }
}
