export * from "./alert-worker.ts";
export * from "./channels/index.ts";
export * from "./create-senders.ts";
export * from "./deliver-alert.job.ts";
export * from "./pacer.ts";
export * from "./render/render-alert.ts";
export * from "./telegram-bot/parse-bot-command.ts";
export * from "./telegram-bot/telegram-bot.ts";
