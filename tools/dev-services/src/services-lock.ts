import { open, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { sleep } from "./process-liveness.ts";
import { ServicesError } from "./services-error.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `action` while holding `<dataDir>/services.lock`, so two `vpa services up|down` on the same
 * data directory never start the same server twice. A lock left by a dead process is taken over.
 */
export async function withServicesLock<T>(
  dataDir: string,
  waitMs: number,
  action: () => Promise<T>,
): Promise<T> {
  const lockFile = path.join(dataDir, "services.lock");
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
    // An empty file is a lock being written right now: not stale.
    if (holder > 0 && !isAlive(holder)) {
      await unlink(lockFile).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) {
      throw new ServicesError(
        "SERVICES_BUSY",
        `services: another vpa services command (pid ${holder}) is working on ${dataDir}; wait for it or remove ${lockFile} if that process is gone`,
      );
    }
    await sleep(200);
  }
  try {
    return await action();
  } finally {
    await unlink(lockFile).catch(() => {});
  }
}
