/**
 * Vietnamese (`language = vi`, the default): Vietnamese first, the English of en.ts beside it,
 * so a foreign reader (or an operator reading logs) still understands, and the two halves cannot
 * drift apart. Values inside a sentence are formatted once, the Vietnamese way (`23.450 đ`,
 * `05/07/2021`), and appear in both halves. Plain text only; see catalogue.ts for the rules.
 */
import type { SignalText } from "@vpa/core";
import type { Catalogue, EvidenceFigureParts, SubscriptionParts } from "./catalogue.ts";
import { en } from "./en.ts";

/** `Tiếng Việt / English`; said once when both are the same word. */
function beside(vietnamese: string, english: string): string {
  return vietnamese === english ? vietnamese : `${vietnamese} / ${english}`;
}

function describeInVietnamese(parts: SubscriptionParts): string {
  const kinds = parts.kinds === null ? "mọi tín hiệu" : parts.kinds.map((kind) => kind.vi).join(", ");
  return `${kinds} trên ${parts.symbols ?? "mọi mã"}, điểm từ ${parts.minScore}`;
}

/** `Cú lò xo · HOSE · điểm 70–79`; `mọi mức điểm` when nothing narrows the line above's signal. */
function evidenceGroupInVietnamese(
  parts: Pick<EvidenceFigureParts, "signal" | "exchange" | "scoreBand">,
): string {
  const score = parts.scoreBand === null ? null : `điểm ${parts.scoreBand}`;
  const named = [parts.signal?.vi ?? null, parts.exchange, score].filter((part) => part !== null);
  return named.length === 0 ? "mọi mức điểm" : named.join(" · ");
}

const EVIDENCE_VERDICTS = {
  edge: "",
  "no-edge": " · không có lợi thế",
  "worse-than-chance": " · kém hơn ngẫu nhiên",
};

export const vi: Catalogue = {
  htmlLang: "vi",
  notAvailable: beside("không có", en.notAvailable),
  disclaimer: beside("Cảnh báo tự động của máy quét VPA, không phải khuyến nghị đầu tư.", en.disclaimer),
  priority: {
    HIGH: beside("CAO", en.priority.HIGH),
    MEDIUM: beside("TRUNG BÌNH", en.priority.MEDIUM),
    LOW: beside("THẤP", en.priority.LOW),
  },
  bias: { bull: beside("tăng", en.bias.bull), bear: beside("giảm", en.bias.bear) },
  signalName: (label: SignalText) => beside(label.vi, label.en),
  explanation: (text: SignalText) => (text.vi === text.en ? [text.vi] : [text.vi, text.en]),
  alert: {
    subject: (p) =>
      `[${p.priority}] ${p.symbol}: ${p.signal} (${p.bias}) ${beside("điểm", "score")} ${p.score}`,
    labels: {
      signal: beside("Tín hiệu", en.alert.labels.signal),
      priority: beside("Ưu tiên", en.alert.labels.priority),
      score: beside("Điểm", en.alert.labels.score),
      confidence: beside("Độ tin cậy", en.alert.labels.confidence),
      close: beside("Giá đóng cửa", en.alert.labels.close),
      change: beside("Thay đổi", en.alert.labels.change),
      volume: beside("Khối lượng", en.alert.labels.volume),
      bar: beside("Phiên", en.alert.labels.bar),
    },
    scoreOutOf: en.alert.scoreOutOf,
    volumeVsAverage: (ratio) => `${ratio} ${beside("KLTB", "avg vol")}`,
  },
  digest: {
    heading: (total) => beside(`Bản tin quét: ${total} tín hiệu`, en.digest.heading(total)),
    // " · " rather than " / ": both halves end in a command that starts with a slash.
    more: (count) => `và ${count} tín hiệu khác: /signals · ${en.digest.more(count)}`,
    score: beside("điểm", en.digest.score),
  },
  top: {
    heading: (p) =>
      beside(
        `Tín hiệu mạnh nhất của lần quét gần nhất (${p.scanTime}): ${p.shown} trên ${p.total}`,
        en.top.heading(p),
      ),
    stillRunning: beside("Lần quét vẫn đang chạy: có thể còn thêm tín hiệu.", en.top.stillRunning),
    empty: (scanTime) =>
      beside(`Lần quét gần nhất (${scanTime}) không có tín hiệu nào.`, en.top.empty(scanTime)),
    noScan: beside("Chưa có lần quét nào.", en.top.noScan),
  },
  chart: {
    caption: (p) =>
      beside(
        `${[p.symbol, p.exchange].filter((part) => part !== null).join(" · ")} · ${p.date}: đóng cửa ${p.close}` +
          `${p.change === null ? "" : ` (${p.change})`}. ` +
          (p.signal === null
            ? `Không có tín hiệu trong ${p.bars} phiên gần nhất.`
            : `Tín hiệu mới nhất: ${p.signal.label.vi} (${p.signal.bias === "bull" ? "tăng" : "giảm"}), điểm ${p.signal.score}, ${p.signal.date} (đã đánh dấu).`),
        en.chart.caption(p),
      ),
    unknownSymbol: (symbol) =>
      beside(
        `Không có dữ liệu phiên cho ${symbol}: mã này có niêm yết không?`,
        en.chart.unknownSymbol(symbol),
      ),
    tooFewBars: (p) =>
      beside(
        `Quá ít phiên để vẽ biểu đồ ${p.symbol}: có ${p.bars}, cần ít nhất ${p.minimum}.`,
        en.chart.tooFewBars(p),
      ),
    unavailable: beside("Hiện không vẽ được biểu đồ, vui lòng thử lại sau.", en.chart.unavailable),
  },
  portfolio: {
    none: beside(
      "Chưa có danh mục mẫu nào (người quản lý tạo bằng vpa portfolio create).",
      en.portfolio.none,
    ),
    unknown: (p) => beside(`Không có danh mục mẫu ${p.name}. Hiện có: ${p.names}.`, en.portfolio.unknown(p)),
    heading: (p) =>
      beside(
        `Danh mục mẫu ${p.name} (từ ${p.startedOn}; phiên gần nhất ${p.lastSession ?? "chưa có"})`,
        en.portfolio.heading(p),
      ),
    value: (p) => beside(`Giá trị ${p.value}, tiền mặt ${p.cash}, tổng ${p.total}`, en.portfolio.value(p)),
    day: (p) => beside(`Phiên gần nhất: ${p.day}; ${p.benchmark} ${p.index}`, en.portfolio.day(p)),
    positionsHeading: (count) => beside(`Vị thế đang mở (${count}):`, en.portfolio.positionsHeading(count)),
    position: (p) =>
      beside(
        p.future
          ? `${p.symbol}: ${p.quantity} HĐ giá ${p.entryPrice} điểm, hiện ${p.lastPrice} điểm (${p.result}${p.onDeposit ? " trên ký quỹ" : ""})`
          : `${p.symbol}: ${p.quantity} cp giá ${p.entryPrice}, hiện ${p.lastPrice} (${p.result})`,
        en.portfolio.position(p),
      ),
    noPositions: beside("Không có vị thế mở.", en.portfolio.noPositions),
    closed: (p) => beside(`${p.count} giao dịch đã đóng, lãi/lỗ ${p.realized}`, en.portfolio.closed(p)),
    others: (names) => beside(`Danh mục khác: ${names} (/portfolio TÊN)`, en.portfolio.others(names)),
    digestLine: (p) =>
      beside(
        `Danh mục mẫu ${p.name} ${p.day} ${p.date === null ? "hôm nay" : `phiên ${p.date}`}` +
          (p.index === null ? "" : `, ${p.benchmark} ${p.index}`),
        en.portfolio.digestLine(p),
      ),
  },
  help: {
    title: beside("Cảnh báo máy quét VPA cho HOSE, HNX và UPCOM", en.help.title),
    start: (minScore) => beside(`cảnh báo mọi tín hiệu từ ${minScore} điểm`, en.help.start(minScore)),
    subscribe: (maxSymbols) =>
      beside(`chỉ các mã này (tối đa ${maxSymbols}), rồi chọn loại tín hiệu`, en.help.subscribe(maxSymbols)),
    unsubscribe: beside("dừng mọi cảnh báo", en.help.unsubscribe),
    list: beside("đăng ký và cài đặt của bạn", en.help.list),
    signals: beside("các tín hiệu mới nhất", en.help.signals),
    top: beside("tín hiệu mạnh nhất của lần quét gần nhất", en.help.top),
    chart: beside("biểu đồ 60 phiên gần nhất của một mã, đánh dấu tín hiệu mới nhất", en.help.chart),
    portfolio: beside(
      "danh mục mẫu theo tín hiệu: giá trị, phiên gần nhất so với VN30, vị thế",
      en.help.portfolio,
    ),
    digest: beside(
      "một bản tin mỗi lần quét (on), từng cảnh báo ngay (off), số tín hiệu trong bản tin",
      en.help.digest,
    ),
    lang: beside("tiếng Việt kèm tiếng Anh, hoặc chỉ tiếng Anh", en.help.lang),
    pause: beside("tạm dừng cảnh báo một thời gian; /resume để bật lại", en.help.pause),
    quiet: beside("giữ cảnh báo vào ban đêm (/quiet off)", en.help.quiet),
    live: beside(
      "thêm cảnh báo tạm thời khi nến trong phiên đang hình thành; có thể không giữ được",
      en.help.live,
    ),
    help: beside("hướng dẫn này", en.help.help),
    footer: beside(
      "Cảnh báo là phân tích tự động khối lượng và giá, không phải khuyến nghị đầu tư.",
      en.help.footer,
    ),
    adminTitle: beside("Quản trị", en.help.adminTitle),
    status: beside("người đăng ký, lượt gửi trong 24 giờ qua, hàng đợi", en.help.status),
    scan: beside("quét các phiên mới nhất ngay", en.help.scan),
    menu: {
      start: beside("Nhận cảnh báo tín hiệu mạnh", en.help.menu.start),
      subscribe: beside("Chọn mã, điểm tối thiểu, loại tín hiệu", en.help.menu.subscribe),
      unsubscribe: beside("Dừng mọi cảnh báo", en.help.menu.unsubscribe),
      list: beside("Đăng ký và cài đặt của bạn", en.help.menu.list),
      signals: beside("Tín hiệu mới nhất", en.help.menu.signals),
      top: beside("Tín hiệu mạnh nhất của lần quét gần nhất", en.help.menu.top),
      chart: beside("Biểu đồ một mã, ví dụ /chart VCB", en.help.menu.chart),
      portfolio: beside("Danh mục mẫu so với VN30", en.help.menu.portfolio),
      digest: beside("Bật/tắt bản tin, số tín hiệu", en.help.menu.digest),
      lang: beside("Ngôn ngữ: vi hoặc en", en.help.menu.lang),
      pause: beside("Tạm dừng cảnh báo, ví dụ 2h hoặc 1d", en.help.menu.pause),
      resume: beside("Bật lại cảnh báo", en.help.menu.resume),
      quiet: beside("Giờ yên lặng, ví dụ 22:00-07:00, hoặc off", en.help.menu.quiet),
      live: beside("Cảnh báo tạm thời của nến đang hình thành: on hoặc off", en.help.menu.live),
      help: beside("Cách dùng bot", en.help.menu.help),
      status: beside("Quản trị: người đăng ký, lượt gửi, hàng đợi", en.help.menu.status),
      scan: beside("Quản trị: quét các phiên mới nhất ngay", en.help.menu.scan),
    },
  },
  subscription: {
    describe: (parts) => beside(describeInVietnamese(parts), en.subscription.describe(parts)),
    startedAll: (minScore) =>
      beside(`Đã đăng ký: mọi tín hiệu từ ${minScore} điểm.`, en.subscription.startedAll(minScore)),
    subscribed: (parts) =>
      beside(`Đã đăng ký: ${describeInVietnamese(parts)}.`, en.subscription.subscribed(parts)),
    already: (parts) =>
      beside(`Bạn đã có đăng ký này: ${describeInVietnamese(parts)}.`, en.subscription.already(parts)),
    chooseTypes: beside(
      "Chọn các loại tín hiệu bạn muốn; không chọn loại nào là nhận mọi loại.",
      en.subscription.chooseTypes,
    ),
    allTypesButton: beside("Mọi loại", en.subscription.allTypesButton),
    doneButton: beside("Xong", en.subscription.doneButton),
    typesSaved: (count) =>
      beside(
        `Đã lưu: ${count === null ? "mọi loại tín hiệu" : `${count} loại tín hiệu`}`,
        en.subscription.typesSaved(count),
      ),
    gone: beside("Đăng ký này không còn nữa.", en.subscription.gone),
    unsubscribed: beside("Đã hủy đăng ký. Gửi /start để đăng ký lại.", en.subscription.unsubscribed),
    noneActive: beside("Bạn chưa có đăng ký nào. Gửi /start hoặc /subscribe.", en.subscription.noneActive),
    listHeading: (count) => beside(`Đăng ký của bạn (${count}):`, en.subscription.listHeading(count)),
    listMore: (count) => beside(`… và ${count} đăng ký khác`, en.subscription.listMore(count)),
  },
  settings: {
    subscribeFirst: beside("Hãy đăng ký trước bằng /start.", en.settings.subscribeFirst),
    digestOn: (top) =>
      beside(
        `Bật bản tin: sau mỗi lần quét, một tin nhắn với ${top} tín hiệu mạnh nhất; cảnh báo mức CAO vẫn đến ngay.`,
        en.settings.digestOn(top),
      ),
    digestOff: beside("Tắt bản tin: mọi cảnh báo đến ngay.", en.settings.digestOff),
    digestTop: (top) =>
      beside(`Bản tin của bạn liệt kê ${top} tín hiệu mạnh nhất.`, en.settings.digestTop(top)),
    digestTopWhileOff: beside("Bản tin đang tắt cho chat này: /digest on.", en.settings.digestTopWhileOff),
    language: beside("Ngôn ngữ: tiếng Việt, kèm tiếng Anh.", "Language: Vietnamese, with English beside it."),
    pausedFor: (until) =>
      beside(
        `Tạm dừng cảnh báo đến ${until} (giờ Việt Nam); cảnh báo trong thời gian này sẽ đến khi đó. /resume để bật lại sớm hơn.`,
        en.settings.pausedFor(until),
      ),
    pausedUntilResume: (until) =>
      beside(
        `Tạm dừng cảnh báo cho đến khi bạn gửi /resume (muộn nhất ${until}, giờ Việt Nam); cảnh báo trong thời gian này sẽ đến khi đó.`,
        en.settings.pausedUntilResume(until),
      ),
    resumed: beside("Đã bật lại cảnh báo.", en.settings.resumed),
    resumedWithHeld: (count) =>
      beside(
        `Đã bật lại cảnh báo; ${count} cảnh báo đang chờ sẽ đến ngay.`,
        en.settings.resumedWithHeld(count),
      ),
    notPaused: beside("Cảnh báo không bị tạm dừng.", en.settings.notPaused),
    quietOn: (window) =>
      beside(
        `Giờ yên lặng ${window} (giờ Việt Nam): cảnh báo trong khung giờ này đến khi hết giờ.`,
        en.settings.quietOn(window),
      ),
    quietOff: beside("Tắt giờ yên lặng: cảnh báo đến bất cứ lúc nào.", en.settings.quietOff),
    deliveryDigest: (top) =>
      beside(
        `Cách nhận: một bản tin mỗi lần quét, ${top} tín hiệu mạnh nhất; mức CAO đến ngay`,
        en.settings.deliveryDigest(top),
      ),
    deliveryInstant: beside("Cách nhận: mọi cảnh báo đến ngay", en.settings.deliveryInstant),
    pausedLine: (until) => beside(`Tạm dừng đến ${until} (giờ Việt Nam)`, en.settings.pausedLine(until)),
    quietLine: (window) => beside(`Giờ yên lặng: ${window} (giờ Việt Nam)`, en.settings.quietLine(window)),
  },
  signals: {
    heading: (count) => beside(`Tín hiệu mới nhất (${count} gần nhất):`, en.signals.heading(count)),
    none: beside("Chưa có tín hiệu nào.", en.signals.none),
    noneFor: (symbol) => beside(`Không có tín hiệu cho ${symbol}.`, en.signals.noneFor(symbol)),
    moreAll: beside("… còn nữa; lọc theo mã: /signals VCB", en.signals.moreAll),
    moreOlder: beside("… còn tín hiệu cũ hơn", en.signals.moreOlder),
  },
  refusal: {
    adminOnly: (command) =>
      beside(`Lệnh /${command} chỉ dành cho quản trị viên của bot.`, en.refusal.adminOnly(command)),
    notOnAllowList: (chatId) =>
      beside(
        `Chat này chưa được phép đăng ký nhận cảnh báo. Gửi mã chat ${chatId} cho người quản lý bot để được thêm.`,
        en.refusal.notOnAllowList(chatId),
      ),
    channelNotAllowed: (chatId) =>
      beside(
        `Kênh chỉ đăng ký được khi người quản lý bot cho phép (mã chat ${chatId}).`,
        en.refusal.channelNotAllowed(chatId),
      ),
    subscriptionCap: (p) =>
      beside(`Tối đa ${p.max} đăng ký mỗi chat (bạn đang có ${p.held})`, en.refusal.subscriptionCap(p)),
    tooManyCommands: beside("Quá nhiều lệnh: vui lòng đợi một phút.", en.refusal.tooManyCommands),
    somethingWrong: beside("Có lỗi tạm thời, vui lòng thử lại sau.", en.refusal.somethingWrong),
    unknownCommand: (name) => beside(`Lệnh không tồn tại: /${name}`, en.refusal.unknownCommand(name)),
    notSymbols: (quoted) =>
      beside(`Mã không hợp lệ (1–12 chữ cái A–Z hoặc chữ số): ${quoted}`, en.refusal.notSymbols(quoted)),
    minScore: beside("Điểm tối thiểu phải là số nguyên từ 0 đến 100", en.refusal.minScore),
    unknownSignalTypes: (quoted) =>
      beside(`Loại tín hiệu không tồn tại: ${quoted}`, en.refusal.unknownSignalTypes(quoted)),
    unknownOption: (quoted) =>
      beside(`Tùy chọn không hợp lệ: ${quoted}= (dùng min= hoặc types=)`, en.refusal.unknownOption(quoted)),
    tooManySymbols: (p) =>
      beside(`Tối đa ${p.max} mã mỗi đăng ký (bạn gửi ${p.sent})`, en.refusal.tooManySymbols(p)),
    quietUsage: beside("Dùng /quiet 22:00-07:00 (giờ Việt Nam) hoặc /quiet off", en.refusal.quietUsage),
    langUsage: beside(
      "Dùng /lang vi (tiếng Việt kèm tiếng Anh) hoặc /lang en (tiếng Anh)",
      en.refusal.langUsage,
    ),
    digestUsage: (maxTop) =>
      beside(
        `Dùng /digest on, /digest off hoặc /digest top N (N từ 1 đến ${maxTop})`,
        en.refusal.digestUsage(maxTop),
      ),
    pauseUsage: (maxDays) =>
      beside(
        `Dùng /pause, /pause 2h hoặc /pause 1d (m phút, h giờ, d ngày; tối đa ${maxDays} ngày)`,
        en.refusal.pauseUsage(maxDays),
      ),
    topUsage: (max) => beside(`Dùng /top hoặc /top N (N từ 1 đến ${max})`, en.refusal.topUsage(max)),
    chartUsage: beside("Dùng /chart MÃ, ví dụ /chart VCB", en.refusal.chartUsage),
    portfolioUsage: beside("Dùng /portfolio hoặc /portfolio TÊN (chữ, số, . _ -)", en.refusal.portfolioUsage),
  },
  scan: {
    queued: (symbols) =>
      beside(
        `Đã xếp lịch quét: ${symbols} mã. /top cho thấy tín hiệu mạnh nhất khi quét xong.`,
        en.scan.queued(symbols),
      ),
    nothingToScan: beside("Không có gì để quét: chưa có dữ liệu phiên nào.", en.scan.nothingToScan),
    unavailable: beside(
      "Lệnh /scan không dùng được ở đây: bot chạy mà không có hàng đợi quét.",
      en.scan.unavailable,
    ),
  },
  status: {
    title: beside("Trạng thái", en.status.title),
    subscribers: beside("Người đăng ký", en.status.subscribers),
    activeSubscriptions: beside("Đăng ký đang bật", en.status.activeSubscriptions),
    lastSignal: beside("Tín hiệu mới nhất", en.status.lastSignal),
    storedAt: beside("lưu lúc", en.status.storedAt),
    noneYet: beside("chưa có", en.status.noneYet),
    deliveries24h: beside("Gửi trong 24 giờ", en.status.deliveries24h),
    queues: beside("Hàng đợi (chờ, đang chạy, hoãn, lỗi)", en.status.queues),
    queuesUnavailable: beside("không đọc được", en.status.queuesUnavailable),
  },
  evidence: {
    figures: (p) =>
      beside(
        `${evidenceGroupInVietnamese(p)}: ${p.bias === "bull" ? "tăng" : "giảm"} sau ${p.horizon} phiên ${p.hitRate} trong ${p.count} lần ` +
          `(ngẫu nhiên ${p.chanceHitRate})${EVIDENCE_VERDICTS[p.verdict]}`,
        en.evidence.figures(p),
      ),
    notEnoughHistory: (p) =>
      beside(
        `${p.signal === null ? "" : `${p.signal.vi}: `}chưa đủ dữ liệu${p.count === null ? "" : ` (${p.count}/${p.minimum} kết quả)`}`,
        en.evidence.notEnoughHistory(p),
      ),
    notTracked: (signal) =>
      beside(
        `${signal === null ? "" : `${signal.vi}: `}hồ sơ tín hiệu chỉ có cho nến ngày`,
        en.evidence.notTracked(signal),
      ),
  },
  live: {
    on: beside(
      "Bật cảnh báo trực tiếp: khi nến trong phiên đang hình thành, bạn nhận thêm cảnh báo tạm thời (có ghi rõ), rồi biết tín hiệu có giữ được khi nến đóng hay không.",
      en.live.on,
    ),
    off: beside("Tắt cảnh báo trực tiếp: chỉ cảnh báo của nến đã đóng.", en.live.off),
    stateOn: beside("Cảnh báo trực tiếp đang bật cho chat này.", en.live.stateOn),
    stateOff: beside("Cảnh báo trực tiếp đang tắt cho chat này.", en.live.stateOff),
    usage: beside("Dùng /live on hoặc /live off.", en.live.usage),
    label: beside("TẠM THỜI", en.live.label),
    subject: (p) =>
      beside(
        `[${p.label}] ${p.symbol} nến ${p.timeframe} ${p.barTime}: ${p.signal.vi} (${p.bias}), điểm ${p.score} đến lúc này`,
        en.live.subject({ ...p, label: en.live.label }),
      ),
    projection: (p) =>
      beside(
        `Đã qua ${p.elapsed} thời gian nến; khối lượng dự kiến bằng ${p.volumeRatio} mức thường thấy vào giờ này`,
        en.live.projection(p),
      ),
    caveat: beside(
      "Nến chưa đóng: tín hiệu có thể không giữ được. Tín hiệu chính thức (nếu có) đến khi nến đóng.",
      en.live.caveat,
    ),
    held: (p) =>
      beside(
        `${p.symbol} nến ${p.timeframe} ${p.barTime}: ${p.signal.vi} đã giữ được khi nến đóng.`,
        en.live.held(p),
      ),
    didNotHold: (p) =>
      beside(
        `${p.symbol} nến ${p.timeframe} ${p.barTime}: tín hiệu tạm thời ${p.signal.vi} không giữ được.`,
        en.live.didNotHold(p),
      ),
  },
};
