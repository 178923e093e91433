import { deactivateSubscription, listApiSubscriptions, recordSubscriptionOwner, subscribe } from "@vpa/db";
import { z } from "zod";
import type { ApiContext } from "../api-context.ts";
import { ApiProblem } from "../api-problem.ts";
import { type ApiRoute, defineRoute } from "../api-route.ts";
import { idParams, integerField, signalTypeField, symbolField, toJson } from "../api-schemas.ts";

const subscriptionBody = z
  .strictObject({
    channel: z.enum(["telegram", "email", "webhook"]),
    address: z.string().min(1).max(2_000).describe("Telegram chat id, email address or webhook URL"),
    name: z.string().min(1).max(100).optional(),
    symbols: z
      .array(symbolField)
      .min(1)
      .max(500)
      .nullable()
      .optional()
      .describe("null or absent: every symbol"),
    signalTypes: z.array(signalTypeField).min(1).max(50).nullable().optional(),
    minScore: integerField(0, 100).optional(),
  })
  .superRefine((body, context) => {
    const valid =
      body.channel === "telegram"
        ? /^-?[1-9]\d{0,15}$/.test(body.address)
        : body.channel === "email"
          ? z.email().safeParse(body.address).success
          : /^https?:\/\/[^\s]+$/.test(body.address) && URL.canParse(body.address);
    if (!valid) {
      context.addIssue({
        code: "custom",
        path: ["address"],
        message: `is not a ${body.channel === "telegram" ? "Telegram chat id" : body.channel === "email" ? "email address" : "http(s) URL"}`,
      });
    }
  });

const subscriptionSchema = z.object({
  id: z.number().int(),
  subscriberId: z.number().int(),
  channel: z.string(),
  address: z.string(),
  symbols: z.array(z.string()).nullable(),
  signalTypes: z.array(z.string()).nullable(),
  minScore: z.number(),
  apiKeyId: z.number().int().nullable(),
  createdAt: z.string(),
});

export function subscriptionRoutes(context: ApiContext): ApiRoute[] {
  return [
    defineRoute({
      method: "POST",
      path: "/subscriptions",
      role: "trader",
      tag: "subscriptions",
      summary: "Subscribe an address to alerts (idempotent: the same subscription again changes nothing)",
      body: subscriptionBody,
      responses: {
        201: { description: "Created", schema: subscriptionSchema },
        200: { description: "The same subscription existed already", schema: subscriptionSchema },
      },
      async handler({ body, key, reply }) {
        const result = await subscribe(context.db, {
          channel: body.channel,
          address: body.address,
          name: body.name ?? null,
          symbols: body.symbols ?? null,
          signalTypes: body.signalTypes ?? null,
          ...(body.minScore === undefined ? {} : { minScore: body.minScore }),
        });
        if (result.created) await recordSubscriptionOwner(context.db, result.subscriptionId, key.id);
        const [view] = await listApiSubscriptions(context.db, { apiKeyId: null, id: result.subscriptionId });
        reply.code(result.created ? 201 : 200);
        return toJson(view);
      },
    }),
    defineRoute({
      method: "GET",
      path: "/subscriptions",
      role: "trader",
      tag: "subscriptions",
      summary: "Active subscriptions: a trader's own, every one for an admin",
      responses: {
        200: {
          description: "Subscriptions, newest first",
          schema: z.object({ subscriptions: z.array(subscriptionSchema) }),
        },
      },
      async handler({ key }) {
        // The primary: the caller's own subscriptions, which it may have added or removed a moment
        // ago (POST, DELETE); a lagging replica would list them as they were.
        const subscriptions = await listApiSubscriptions(context.db, {
          apiKeyId: key.role === "admin" ? null : key.id,
        });
        return { subscriptions: toJson(subscriptions) };
      },
    }),
    defineRoute({
      method: "DELETE",
      path: "/subscriptions/{id}",
      role: "trader",
      tag: "subscriptions",
      summary: "End a subscription (a trader's own; an admin's any)",
      params: idParams,
      responses: {
        204: { description: "Ended" },
        404: { description: "No such active subscription of this key" },
      },
      async handler({ params, key, reply }) {
        const [owned] = await listApiSubscriptions(context.db, {
          apiKeyId: key.role === "admin" ? null : key.id,
          id: params.id,
        });
        // Another key's subscription reads as missing: a trader learns nothing about others'.
        if (owned === undefined || !(await deactivateSubscription(context.db, params.id))) {
          throw new ApiProblem("NOT_FOUND", `no active subscription ${params.id} of this key`);
        }
        reply.code(204);
        return null;
      },
    }),
  ];
}
