import { getPortfolio, listPortfolioPositions, listPortfolios, loadPortfolioPerformance } from "@vpa/db";
import { z } from "zod";
import { type ApiContext, readDatabaseOf } from "../api-context.ts";
import { ApiProblem } from "../api-problem.ts";
import { type ApiRoute, defineRoute, querySchema } from "../api-route.ts";
import { integerField, toJson } from "../api-schemas.ts";

const performanceSchema = z.object({
  date: z.string(),
  cash: z.number(),
  invested: z.number(),
  value: z.number().describe("VND"),
  positions: z.number(),
  dailyReturn: z.number().nullable(),
  indexClose: z.number().nullable().describe("The benchmark index's close (points)"),
});

const portfolioSchema = z.object({
  name: z.string(),
  startedOn: z.string(),
  lastSession: z.string().nullable(),
  config: z.unknown(),
  latest: performanceSchema.nullable(),
});

export function portfolioRoutes(context: ApiContext): ApiRoute[] {
  // Read-only: paper portfolios, from the read replica when there is one.
  const reads = readDatabaseOf(context);
  return [
    defineRoute({
      method: "GET",
      path: "/portfolios",
      role: "reader",
      tag: "portfolios",
      summary: "Paper portfolios with their last close",
      responses: {
        200: {
          description: "Portfolios by name",
          schema: z.object({ portfolios: z.array(portfolioSchema) }),
        },
      },
      async handler() {
        const portfolios = await listPortfolios(reads);
        const listed = await Promise.all(
          portfolios.map(async (portfolio) => ({
            name: portfolio.name,
            startedOn: portfolio.startedOn,
            lastSession: portfolio.lastSession,
            config: portfolio.config,
            latest: (await loadPortfolioPerformance(reads, portfolio.id)).at(-1) ?? null,
          })),
        );
        return { portfolios: toJson(listed) };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/portfolios/{name}",
      role: "reader",
      tag: "portfolios",
      summary: "A paper portfolio: positions (open first) and daily performance against its index",
      params: z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, { message: "must be a portfolio name" }),
      }),
      query: querySchema({
        days: integerField(1, 5_000).default(250).describe("Sessions of performance, newest"),
      }),
      responses: {
        200: {
          description: "The portfolio",
          schema: portfolioSchema.extend({
            positions: z.array(z.looseObject({ symbol: z.string(), status: z.enum(["open", "closed"]) })),
            performance: z.array(performanceSchema),
          }),
        },
        404: { description: "No such portfolio" },
      },
      async handler({ params, query }) {
        const portfolio = await getPortfolio(reads, params.name);
        if (portfolio === null) throw new ApiProblem("NOT_FOUND", `no portfolio ${params.name}`);
        const [positions, performance] = await Promise.all([
          listPortfolioPositions(reads, portfolio.id),
          loadPortfolioPerformance(reads, portfolio.id),
        ]);
        return toJson({
          name: portfolio.name,
          startedOn: portfolio.startedOn,
          lastSession: portfolio.lastSession,
          config: portfolio.config,
          latest: performance.at(-1) ?? null,
          positions,
          performance: performance.slice(-query.days),
        });
      },
    }),
  ];
}
