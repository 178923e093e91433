import { describeCommandFailure, runCommand } from "./run-command.ts";
import { ServicesError } from "./services-error.ts";

export interface InstallAptPackagesOptions {
  /** Per step (update, install), in milliseconds: a hung mirror must not hang `vpa` forever. */
  timeoutMs: number;
  /** One line per step. */
  log: (line: string) => void;
}

/** `apt-get update && apt-get install -y <packages>`, non-interactive. Slow: minutes, not seconds. */
export async function installAptPackages(
  aptGet: string,
  packages: readonly string[],
  options: InstallAptPackagesOptions,
): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const steps: { args: string[]; label: string }[] = [
    { args: ["-q", "update"], label: "apt-get update" },
    {
      // Waits (bounded) for another apt/dpkg to finish instead of failing on its lock at once.
      args: ["-q", "-o", "DPkg::Lock::Timeout=120", "install", "-y", "--no-install-recommends", ...packages],
      label: `apt-get install -y ${packages.join(" ")}`,
    },
  ];
  for (const step of steps) {
    options.log(`services: running ${step.label}`);
    const result = await runCommand(aptGet, step.args, { env, timeoutMs: options.timeoutMs });
    if (result.exitCode !== 0) {
      throw new ServicesError(
        "SERVICES_INSTALL_FAILED",
        `services: ${describeCommandFailure(step.label, result)}`,
      );
    }
  }
}
