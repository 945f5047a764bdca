import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { CappedEaseScorer } from '../algorithms/capped-ease';
import {
  easeWeightsOffThread,
  itemNeighboursOffThread,
  sequentialRulesOffThread,
} from '../algorithms/refresh-off-thread';
import { rocchioProfile } from '../algorithms/content';
import { diversifyByDpp, type DiversifyOutcome } from '../algorithms/dpp-diversify';
import { blend, gatherCandidates, type BlendSource } from '../algorithms/hybrid-blend';
import { gatedWeights, historyShape } from '../algorithms/history-gate';
import { ItemKnnScorer } from '../algorithms/item-knn';
import { histories } from '../algorithms/recency';
import { SequentialRulesScorer } from '../algorithms/sequential-rules';
import { recencyDecay, SERVED_HYBRID } from '../algorithms/served-hybrid';
import { UserItemMatrix, type Interaction } from '../algorithms/user-item-matrix';
import { ItemRepository, type ItemRow } from '../catalog/item.repository';
import { ItemFeaturesRepository, type ItemFeatures } from '../features/item-features.repository';
import {
  blockSimilarity,
  composeItemVector,
  ITEM_VECTOR_DIMENSIONS,
  photoEmbeddingOfItemVector,
  TEXT_DIMENSIONS,
} from '../features/item-vector';
import { Bm25Vectorizer } from '../features/text-vectorizer';
import { InteractionRepository, type InteractionRow } from '../interactions/interaction.repository';
import { ItemIndexService, type ItemIndexState } from '../item-index/item-index.service';
import type { InteractionKind } from '../interactions/interaction-kinds';
import { MIN_LIKES } from '../style-profiles/style-profile';
import { StyleProfileService } from '../style-profiles/style-profile.service';
import {
  carriesStyle,
  definingAttributes,
  distinctModes,
  modeOfEmbedding,
  stratifyByModes,
} from '../style-profiles/style-modes';
import { StudioFeedbackRepository, type StudioFeedbackRow } from '../studio-feedback/studio-feedback.repository';
import { quotePrompt, STUDIO_FEEDBACK_WEIGHT, studioPromptVector } from '../studio-feedback/studio-prompt';

/** Stage-2 blend weights per history shape (learned on validation folds by `npm run eval:recs`, see SERVED_HYBRID). */
export const BLEND_GATE = SERVED_HYBRID.gate;
/** Candidates each stage-1 source contributes. */
const CANDIDATES_PER_SOURCE = SERVED_HYBRID.candidatesPerSource;
/**
 * Dense EASE while the interacted catalogue is at most this large, item-kNN otherwise. Its n³ solve runs in a
 * worker thread (seconds at this size, which blocked the event loop when it ran on it); eval:recs uses the same cap.
 */
const EASE_MAX_ITEMS = 2500;
/** Neighbours kept per item by item-kNN. */
const KNN_NEIGHBOURS = 50;
/** The DPP stage picks k from this many × k of the best blended candidates. */
const DIVERSITY_POOL_FACTOR = 3;
/** Style modes draw their seats from this many × k of the ranked candidates. */
const STYLE_POOL_FACTOR = 6;
/** The caller's most recent studio verdicts that shape the content profile. */
const STUDIO_FEEDBACK_LIMIT = 50;

/** One studio verdict as a content signal. */
interface StudioSignal {
  verdict: 'like' | 'dislike';
  vector: Float32Array;
  quote: string;
}

const VERBS: Record<InteractionKind, string> = {
  view: 'viewed',
  like: 'liked',
  add_to_cart: 'added to cart',
  purchase: 'bought',
  dislike: 'disliked',
};

interface CatalogEntry {
  index: number;
  id: string;
  title: string;
  categoryPath: string[];
  attributes: Record<string, string | number | boolean>;
}

interface Model {
  entries: CatalogEntry[];
  byId: Map<string, CatalogEntry>;
  vectors: Map<string, Float32Array>;
  bm25: Bm25Vectorizer;
  knn?: ItemKnnScorer;
  ease?: CappedEaseScorer;
  sequential?: SequentialRulesScorer;
  popularity: Float32Array;
}

export interface Recommendation {
  itemId: string;
  title: string;
  score: number;
  /** What each stage contributed to the score (weight × normalised source score). */
  contributions: Record<string, number>;
  reasons: string[];
  /** 1-based rank by blended score before diversification (hybrid lists only). */
  relevanceRank?: number;
}

/** What each pipeline stage did to this list. */
export interface PipelineStages {
  /** Items scored by the stage-1 sources (union of each source's top candidates). */
  candidates: number;
  /** Purchased, disliked, seen or off-category items filtered before ranking. */
  filtered: number;
  diversification: {
    enabled: boolean;
    strength: number;
    /** Blended candidates the DPP chose from. */
    pool: number;
    /** Items that entered the top-k only through diversification. */
    promoted: number;
    /** det(S)^(1/k) of the item-vector cosine matrix: relevance-only top-k vs. the served list (1 = all distinct). */
    diversityBefore: number;
    diversityAfter: number;
  };
  /** Stage 4: the caller's distinct style modes (at least two) sharing the list by their shares. */
  styleModes: {
    applied: boolean;
    modes: Array<{ label: string; share: number; served: number }>;
    /** Items that entered the top-k only through their mode's seats. */
    promoted: number;
  };
  /** The caller's studio verdicts that entered the content profile. */
  studioFeedback: { likes: number; dislikes: number };
}

export interface RecommendationList {
  strategy: 'hybrid' | 'cold-start';
  items: Recommendation[];
  stages?: PipelineStages;
}

interface UserHistory {
  /** Positive items oldest first with their summed strength and age (interactions since, 0 = the latest). */
  positives: Array<{ entry: CatalogEntry; strength: number; age: number; kind: InteractionKind; at: number }>;
  negatives: CatalogEntry[];
  /** Every item the user touched: never recommended back. */
  exclude: Set<string>;
}

/**
 * The served hybrid: candidates from collaborative filtering (recency-weighted EASE on small catalogues, item-kNN
 * otherwise), content (Rocchio profile over multimodal item vectors, searched in the vector index) and popularity;
 * a learned linear blend reranks them; purchased, disliked and already-seen items are filtered; every item says
 * why it is there, from the caller's own history only. The model is rebuilt when items or interactions change.
 */
@Injectable()
export class RecommendationEngine implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RecommendationEngine');
  private model?: Model;
  private version = '';
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly items: ItemRepository,
    private readonly features: ItemFeaturesRepository,
    private readonly interactions: InteractionRepository,
    private readonly studioFeedback: StudioFeedbackRepository,
    private readonly styleProfiles: StyleProfileService,
    private readonly itemIndex: ItemIndexService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(
      () => void this.refresh().catch((err: unknown) => this.logger.error(err)),
      this.config.env.RECOMMENDER_REFRESH_INTERVAL_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Rebuilds the model if items or interactions changed since the last build. */
  refresh(force = false): Promise<void> {
    this.refreshing ??= this.rebuild(force).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  health(): {
    items: number;
    indexed: number;
    index: string;
    indexState: ItemIndexState;
    collaborative: string;
    version: string;
  } {
    return {
      items: this.model?.entries.length ?? 0,
      indexed: this.itemIndex.size(),
      index: this.itemIndex.kind,
      indexState: this.itemIndex.state(),
      collaborative: this.model?.ease ? 'ease' : this.model?.knn ? 'item-knn' : 'none',
      version: this.version,
    };
  }

  private async rebuild(force: boolean): Promise<void> {
    const version = await this.features.version();
    if (!force && version === this.version && this.model) return;
    const started = Date.now();
    const indexMark = this.itemIndex.mark();
    const [rows, features, aggregated] = await Promise.all([
      this.items.all(),
      this.features.all(),
      this.interactions.aggregated(),
    ]);
    const featureById = new Map(features.map((f) => [f.itemId, f]));
    const entries: CatalogEntry[] = rows.map((r, index) => entryOf(r, index));
    const byId = new Map(entries.map((e) => [e.id, e]));
    const bm25 = new Bm25Vectorizer({ dimensions: TEXT_DIMENSIONS }).fit(features.map((f) => f.tokens));
    const vectors = new Map<string, Float32Array>();
    for (const e of entries) {
      const f = featureById.get(e.id);
      if (!f) continue;
      vectors.set(e.id, composeItemVector(bm25.vector(f.tokens), f.colour, f.image));
    }
    // The index outlives the model: only vectors that changed since the last refresh (or snapshot) are written.
    await this.itemIndex.sync(vectors, indexMark);
    // Collaborative part: users and items as dense indices of this snapshot.
    const users = new Map<string, number>();
    const train: Interaction[] = [];
    for (const a of aggregated) {
      const item = byId.get(a.item_id);
      if (!item) continue;
      if (!users.has(a.user_id)) users.set(a.user_id, users.size);
      const time = new Date(a.first_at).getTime();
      train.push({ user: users.get(a.user_id) ?? 0, item: item.index, weight: a.weight, time });
    }
    const matrix = new UserItemMatrix(users.size, entries.length, train);
    const popularity = new Float32Array(entries.length);
    for (const [, item] of matrix.positives()) popularity[item]++;
    const interacted = popularity.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    // The three heavy builds run in worker threads, side by side, while the event loop keeps serving.
    const history = train.length ? histories(users.size, train) : [];
    const [neighbours, rules, ease] = await Promise.all([
      train.length ? itemNeighboursOffThread(users.size, entries.length, train, KNN_NEIGHBOURS) : undefined,
      // Sequential rules over each user's positive items in the order they first touched them.
      train.length ? sequentialRulesOffThread(entries.length, history, SERVED_HYBRID.sequential) : undefined,
      train.length && interacted <= EASE_MAX_ITEMS
        ? CappedEaseScorer.build(matrix, SERVED_HYBRID.collaborative.lambda, EASE_MAX_ITEMS, easeWeightsOffThread)
        : undefined,
    ]);
    const knn = neighbours ? new ItemKnnScorer(matrix, KNN_NEIGHBOURS, undefined, undefined, neighbours) : undefined;
    const sequential = rules
      ? new SequentialRulesScorer(entries.length, history, SERVED_HYBRID.sequential, rules)
      : undefined;
    this.model = { entries, byId, vectors, bm25, knn, ease, sequential, popularity };
    this.version = version;
    this.logger.log(
      `model rebuilt: ${entries.length} items (${vectors.size} vectors, ${this.itemIndex.kind}), ${users.size} users, ` +
        `${train.length} pairs, ${ease ? 'ease' : knn ? 'item-knn' : 'no'} collaborative, ${Date.now() - started} ms`,
    );
  }

  /** Adds or replaces one item between rebuilds (new items are recommendable by content at once). */
  async upsertItem(row: ItemRow, features: ItemFeatures): Promise<void> {
    const model = this.model;
    if (!model) return;
    let entry = model.byId.get(row.id);
    if (!entry) {
      entry = entryOf(row, model.entries.length);
      model.entries.push(entry);
      model.byId.set(row.id, entry);
      const grown = new Float32Array(model.entries.length);
      grown.set(model.popularity);
      model.popularity = grown;
    } else Object.assign(entry, entryOf(row, entry.index));
    const v = composeItemVector(model.bm25.vector(features.tokens), features.colour, features.image);
    model.vectors.set(row.id, v);
    await this.itemIndex.upsert(row.id, v);
  }

  async recommend(userId: string, k: number, category?: string): Promise<RecommendationList> {
    if (!this.model) await this.refresh();
    const model = this.model;
    if (!model || model.entries.length === 0) return { strategy: 'cold-start', items: [] };
    const history = this.history(model, await this.interactions.forUser(userId, 500));
    const studio = this.studioSignals(model, await this.studioFeedback.forUser(userId, STUDIO_FEEDBACK_LIMIT));
    const n = model.entries.length;
    const allowed = (e: CatalogEntry) =>
      !history.exclude.has(e.id) &&
      (!category || e.categoryPath.some((c) => c.toLowerCase() === category.toLowerCase()));
    const excludeIdx = new Set(model.entries.filter((e) => !allowed(e)).map((e) => e.index));

    const sources: BlendSource[] = [{ name: 'popularity', scores: model.popularity.subarray(0, n), normalise: 'log' }];
    const historyItems = history.positives.map((p) => p.entry.index);
    if (history.positives.length && (model.ease || model.knn)) {
      const weights = decayed(history, SERVED_HYBRID.collaborative.halfLife);
      const cf = model.ease
        ? model.ease.scoreHistory(historyItems, weights)
        : (model.knn as ItemKnnScorer).scoreHistory(historyItems, weights);
      sources.push({ name: 'collaborative', scores: padTo(cf, n) });
      // Long-term taste: the same model over the whole history, every item at its full strength.
      const strengths = history.positives.map((p) => p.strength);
      const longterm = model.ease
        ? model.ease.scoreHistory(historyItems, strengths)
        : (model.knn as ItemKnnScorer).scoreHistory(historyItems, strengths);
      sources.push({ name: 'longterm', scores: padTo(longterm, n) });
    }
    if (history.positives.length && model.sequential) {
      const weights = decayed(history, SERVED_HYBRID.sequential.halfLife);
      sources.push({ name: 'sequential', scores: padTo(model.sequential.scoreHistory(historyItems, weights), n) });
    }
    const personal = history.positives.length > 0 || studio.some((s) => s.verdict === 'like');
    const profile = personal ? this.profile(model, history, studio) : undefined;
    if (profile) {
      const content = new Float32Array(n);
      const exclude = new Set([...excludeIdx].map((i) => model.entries[i].id));
      for (const hit of await this.itemIndex.search(profile, CANDIDATES_PER_SOURCE, { exclude })) {
        const e = model.byId.get(hit.id);
        if (e) content[e.index] = hit.score;
      }
      sources.push({ name: 'content', scores: content });
    }
    const candidates = gatherCandidates(sources, CANDIDATES_PER_SOURCE, excludeIdx);
    const { RECOMMENDER_DIVERSITY: diversify, RECOMMENDER_DIVERSITY_STRENGTH: strength } = this.config.env;
    // The gate picks the blend by the shape of the caller's history (length, days since their latest interaction).
    const latest = history.positives[history.positives.length - 1]?.at;
    const shape = historyShape(
      history.positives.length,
      latest === undefined ? undefined : latest / 1000,
      Date.now() / 1000,
    );
    const ranked = blend(candidates, gatedWeights(BLEND_GATE, shape), candidates.items.length);
    const pool = ranked.slice(0, diversify ? k * DIVERSITY_POOL_FACTOR : k);
    // Stage 3: DPP over the reranked pool, quality = blended score, similarity = cosine of item vectors.
    const outcome: DiversifyOutcome = diversifyByDpp(
      pool.map((r) => ({ score: r.score, vector: model.vectors.get(model.entries[r.item].id) })),
      k,
      diversify ? strength : 0,
    );
    // Stage 4: the user's distinct style modes share the list by their shares. The DPP's list comes first, then the
    // rest of the ranking; with fewer than two modes the DPP's list is served as it is.
    const chosen = new Set(outcome.order);
    const ranking = [...outcome.order, ...ranked.map((_, i) => i).filter((i) => !chosen.has(i))];
    const style = await this.styleModes(model, userId, history);
    const modeOf = ranking.map((i, position) => {
      if (!style || position >= k * STYLE_POOL_FACTOR) return -1;
      const entry = model.entries[ranked[i].item];
      const v = style && model.vectors.get(entry.id);
      const mode = style && v ? modeOfEmbedding(style.styles, photoEmbeddingOfItemVector(v)) : -1;
      return style && mode >= 0 && carriesStyle(entry.attributes, style.modes[mode]) ? mode : -1;
    });
    const served = style
      ? stratifyByModes(
          modeOf,
          style.modes.map((m) => m.share),
          k,
        )
      : ranking.slice(0, k).map((_, position) => position);
    const items = served.map((position) => {
      const candidate = ranking[position];
      const r = ranked[candidate];
      const e = model.entries[r.item];
      const reasons = this.explain(model, e, r.contributions, history, studio);
      if (candidate >= k && position < k) reasons.push('adds variety: unlike the items ranked above it');
      if (style && position >= k && modeOf[position] >= 0)
        reasons.push(`from your style: ${style.labels[modeOf[position]]}`);
      return {
        itemId: e.id,
        title: e.title,
        score: r.score,
        contributions: r.contributions,
        reasons,
        relevanceRank: candidate + 1,
      };
    });
    return {
      strategy: personal ? 'hybrid' : 'cold-start',
      items,
      stages: {
        candidates: candidates.items.length,
        filtered: excludeIdx.size,
        diversification: {
          enabled: diversify,
          strength: diversify ? strength : 0,
          pool: pool.length,
          promoted: outcome.order.filter((c) => c >= k).length,
          diversityBefore: round(outcome.diversityBefore),
          diversityAfter: round(outcome.diversityAfter),
        },
        styleModes: {
          applied: style !== undefined,
          modes: (style?.modes ?? []).map((m, i) => ({
            label: style?.labels[i] ?? '',
            share: round(m.share),
            served: served.filter((position) => modeOf[position] === i).length,
          })),
          promoted: served.filter((position) => position >= k).length,
        },
        studioFeedback: {
          likes: studio.filter((s) => s.verdict === 'like').length,
          dislikes: studio.filter((s) => s.verdict === 'dislike').length,
        },
      },
    };
  }

  /**
   * The caller's distinct style modes (their style profile's mixture components merged while BIC sees one
   * style), when there are at least two; a failure here never fails the recommendation.
   */
  private async styleModes(model: Model, userId: string, history: UserHistory) {
    const likes = history.positives.filter((p) => p.kind === 'like' || p.kind === 'purchase').length;
    if (likes < MIN_LIKES) return undefined;
    try {
      const current = await this.styleProfiles.current(userId);
      if (current.status !== 'ready') return undefined;
      const styles = distinctModes(current.model, current.items);
      const { modes } = styles;
      if (modes.length < 2) return undefined;
      const labels = modes.map((m) => {
        const defining = definingAttributes(m);
        if (defining.length) return defining.map((a) => a.value.toLowerCase()).join(', ');
        const example = m.exampleItemIds.map((id) => model.byId.get(id)?.title).find(Boolean);
        return example ? `like “${example}”` : 'one of your looks';
      });
      return { model: current.model, styles, modes, labels };
    } catch (err: unknown) {
      this.logger.warn(`style modes of ${userId} unavailable: ${String(err)}`);
      return undefined;
    }
  }

  /** The caller's studio verdicts as item-space text vectors (prompts with no word the catalogue uses drop out). */
  private studioSignals(model: Model, rows: StudioFeedbackRow[]): StudioSignal[] {
    return rows.flatMap((r) => {
      const vector = studioPromptVector(r.original_prompt, r.enhanced_prompt, model.bm25);
      return vector ? [{ verdict: r.verdict, vector, quote: quotePrompt(r.original_prompt, r.enhanced_prompt) }] : [];
    });
  }

  /** Items like this one: content neighbours in the vector index plus items often chosen together. */
  async similar(itemId: string, k: number): Promise<Recommendation[] | undefined> {
    const model = this.model;
    const entry = model?.byId.get(itemId);
    const vector = model?.vectors.get(itemId);
    if (!model || !entry) return undefined;
    const scores = new Map<string, { content: number; collaborative: number }>();
    if (vector) {
      for (const hit of await this.itemIndex.search(vector, k * 3, { exclude: new Set([itemId]) })) {
        // The index may already hold an item this model has not loaded yet (upserted during its refresh).
        if (!model.byId.has(hit.id)) continue;
        scores.set(hit.id, { content: hit.score, collaborative: 0 });
      }
    }
    for (const nb of model.knn?.neighbours[entry.index]?.slice(0, k * 3) ?? []) {
      const id = model.entries[nb.item]?.id;
      if (!id || id === itemId) continue;
      const s = scores.get(id) ?? { content: 0, collaborative: 0 };
      s.collaborative = nb.similarity;
      scores.set(id, s);
    }
    return [...scores]
      .map(([id, s]) => ({ id, s, score: s.content + s.collaborative }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, k)
      .map(({ id, s, score }) => {
        const other = model.byId.get(id) as CatalogEntry;
        const reasons: string[] = [];
        if (s.content > 0) reasons.push(this.similarity(model, entry, other));
        if (s.collaborative > 0) reasons.push('often chosen together');
        return { itemId: id, title: other.title, score, contributions: { ...s }, reasons };
      });
  }

  private history(model: Model, rows: InteractionRow[]): UserHistory {
    const perItem = new Map<string, { weight: number; last: number; kind: InteractionKind; disliked: boolean }>();
    for (const r of rows) {
      const at = new Date(r.created_at).getTime();
      const p = perItem.get(r.item_id) ?? { weight: 0, last: 0, kind: r.kind, disliked: false };
      p.weight += r.weight;
      if (r.kind === 'dislike') p.disliked = true;
      if (at >= p.last) p.last = at;
      // The strongest positive kind names the reason ("because you bought X").
      if (r.weight > 0 && (p.kind === 'dislike' || (KIND_RANK[r.kind] ?? 0) > (KIND_RANK[p.kind] ?? 0)))
        p.kind = r.kind;
      perItem.set(r.item_id, p);
    }
    const known = [...perItem].filter(([id]) => model.byId.has(id)).sort((a, b) => a[1].last - b[1].last);
    const positives = known.filter(([, p]) => p.weight > 0 && !p.disliked);
    return {
      positives: positives.map(([id, p], i) => ({
        entry: model.byId.get(id) as CatalogEntry,
        strength: p.weight,
        age: positives.length - 1 - i,
        kind: p.kind,
        at: p.last,
      })),
      negatives: known.filter(([, p]) => p.disliked).map(([id]) => model.byId.get(id) as CatalogEntry),
      exclude: new Set(perItem.keys()),
    };
  }

  /**
   * Rocchio profile: recency-weighted liked/viewed item vectors minus disliked ones, plus the studio's liked prompts
   * (text vectors, small weight; disliked prompts subtract).
   */
  private profile(model: Model, history: UserHistory, studio: readonly StudioSignal[]): Float32Array | undefined {
    const rows: Float32Array[] = [];
    const weights: number[] = [];
    const add = (v: Float32Array | undefined, weight: number) => {
      if (!v) return;
      rows.push(v);
      weights.push(weight);
    };
    const decay = decayed(history, SERVED_HYBRID.content.halfLife);
    history.positives.forEach((p, i) => add(model.vectors.get(p.entry.id), decay[i]));
    for (const e of history.negatives) add(model.vectors.get(e.id), -1);
    for (const s of studio) add(s.vector, s.verdict === 'like' ? STUDIO_FEEDBACK_WEIGHT : -STUDIO_FEEDBACK_WEIGHT);
    if (!weights.some((w) => w > 0)) return undefined;
    const stacked = new Float32Array(rows.length * ITEM_VECTOR_DIMENSIONS);
    rows.forEach((v, i) => stacked.set(v, i * ITEM_VECTOR_DIMENSIONS));
    return rocchioProfile(
      stacked,
      ITEM_VECTOR_DIMENSIONS,
      rows.map((_, i) => i),
      weights,
    );
  }

  private explain(
    model: Model,
    item: CatalogEntry,
    contributions: Record<string, number>,
    history: UserHistory,
    studio: readonly StudioSignal[],
  ): string[] {
    const reasons: string[] = [];
    const ordered = Object.entries(contributions)
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1]);
    for (const [source] of ordered) {
      if (source === 'collaborative' || source === 'longterm') {
        if (source === 'longterm' && contributions.collaborative > 0) continue;
        const anchor = this.collaborativeAnchor(model, item, history, source === 'longterm' ? Infinity : undefined);
        reasons.push(
          anchor ? `because you ${VERBS[anchor.kind]} “${anchor.entry.title}”` : 'liked by people with similar taste',
        );
      } else if (source === 'sequential') {
        const anchor = this.sequentialAnchor(model, item, history);
        if (anchor) reasons.push(`often chosen next after “${anchor.title}”, which you ${VERBS[anchor.kind]}`);
      } else if (source === 'content') {
        const v = model.vectors.get(item.id);
        let best: { entry: CatalogEntry; sim: number } | undefined;
        for (const p of history.positives) {
          const pv = model.vectors.get(p.entry.id);
          if (!v || !pv) continue;
          const sim = dot(v, pv);
          if (!best || sim > best.sim) best = { entry: p.entry, sim };
        }
        // A liked studio prompt is named when it is closer to this item than anything in the history.
        let prompt: { quote: string; sim: number } | undefined;
        for (const s of studio) {
          const sim = v && s.verdict === 'like' ? dot(v, s.vector) : 0;
          if (sim > 0 && (!prompt || sim > prompt.sim)) prompt = { quote: s.quote, sim };
        }
        const studioReason = prompt && `matches the style you liked in the studio: “${prompt.quote}”`;
        if (studioReason && prompt && (!best || prompt.sim > best.sim)) reasons.push(studioReason);
        else if (best) reasons.push(`${this.similarity(model, item, best.entry)} “${best.entry.title}”`);
      } else if (source === 'popularity' && reasons.length === 0) {
        reasons.push('popular in the shop');
      }
    }
    return reasons.length ? reasons : ['popular in the shop'];
  }

  /** The caller's own history item that pushed this candidate most in the collaborative model. */
  private collaborativeAnchor(
    model: Model,
    item: CatalogEntry,
    history: UserHistory,
    halfLife = SERVED_HYBRID.collaborative.halfLife,
  ) {
    const weights = decayed(history, halfLife);
    let best: { entry: CatalogEntry; kind: InteractionKind; weight: number } | undefined;
    history.positives.forEach((p, i) => {
      const w = model.knn?.neighbours[p.entry.index]?.find((nb) => nb.item === item.index)?.similarity ?? 0;
      if (w > 0 && (!best || w * weights[i] > best.weight))
        best = { entry: p.entry, kind: p.kind, weight: w * weights[i] };
    });
    return best;
  }

  /** The caller's own history item whose sequential rule to this candidate counted most. */
  private sequentialAnchor(model: Model, item: CatalogEntry, history: UserHistory) {
    const weights = decayed(history, SERVED_HYBRID.sequential.halfLife);
    let best: { title: string; kind: InteractionKind; weight: number } | undefined;
    history.positives.forEach((p, i) => {
      const rule = model.sequential?.rules[p.entry.index]?.find((r) => r.item === item.index);
      const w = (rule?.strength ?? 0) * weights[i];
      if (w > 0 && (!best || w > best.weight)) best = { title: p.entry.title, kind: p.kind, weight: w };
    });
    return best;
  }

  /** "similar colour and type to" / "similar style to" from block similarities and shared attributes. */
  private similarity(model: Model, a: CatalogEntry, b: CatalogEntry): string {
    const va = model.vectors.get(a.id);
    const vb = model.vectors.get(b.id);
    const parts: string[] = [];
    if (va && vb && blockSimilarity(va, vb, 'colour') > 0.8) parts.push('colour');
    const leaf = (e: CatalogEntry) => e.categoryPath[e.categoryPath.length - 1]?.toLowerCase();
    if (leaf(a) && leaf(a) === leaf(b)) parts.push('type');
    if (va && vb && blockSimilarity(va, vb, 'image') > 0.8) parts.push('look');
    return parts.length ? `similar ${parts.join(' and ')} to` : 'similar to';
  }
}

const KIND_RANK: Partial<Record<InteractionKind, number>> = { view: 1, like: 3, add_to_cart: 4, purchase: 5 };

function entryOf(r: ItemRow, index: number): CatalogEntry {
  return { index, id: r.id, title: r.title, categoryPath: r.category_path, attributes: r.attributes };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The history's strengths decayed by recency: 0.5^(age / halfLife), per source as chosen on validation. */
function decayed(history: UserHistory, halfLife: number): number[] {
  return history.positives.map((p) => p.strength * recencyDecay(p.age, halfLife));
}

/** CF scores cover the snapshot's items; items added since then score 0. */
function padTo(scores: Float32Array, n: number): Float32Array {
  if (scores.length === n) return scores;
  const out = new Float32Array(n);
  out.set(scores.subarray(0, n));
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) out[i] = 0;
  return out;
}
