import { html, type SafeHtml } from './html';
import type { MessageKey } from './i18n';
import { csrfField, layout, type PageContext } from './layout';

export const GENDERS = ['female', 'male', 'nonbinary'] as const;
export const MAX_PROFILE_PHOTOS = 10;

/** The recommender's profile (GET /v1/profiles/me). */
export interface DatingProfile {
  user_id: string;
  display_name: string;
  gender: string;
  age: number;
  city: string;
  seeking_genders: string[];
  seeking_age_min: number;
  seeking_age_max: number;
  opted_in: boolean;
  hidden: boolean;
  searchable: boolean;
  photo_ids: string[];
}

/** The form as typed (strings), to show back after an error. */
export interface ProfileForm {
  display_name?: string;
  gender?: string;
  age?: string;
  city?: string;
  seeking_genders?: string[];
  seeking_age_min?: string;
  seeking_age_max?: string;
  opted_in?: boolean;
  hidden?: boolean;
}

export interface MatchedUser {
  user_id: string;
  match_score: number;
  best_photo_id: string;
  explanation: { en: string; ru: string };
  profile: { display_name: string; gender: string; age: number; city: string; photo_ids: string[] };
}

export interface ExamplePhoto {
  id: string;
  choice: 'like' | 'dislike' | 'ignore';
}

export interface MatchQuery {
  genders: string[];
  ageMin: string;
  ageMax: string;
  city: string;
}

const profileImage = (userId: string, photoId: string) =>
  `/v1/profiles/${encodeURIComponent(userId)}/photos/${encodeURIComponent(photoId)}/image`;

function notices(ctx: PageContext, notice?: MessageKey, error?: string): SafeHtml {
  return html`${notice ? html`<p class="notice" role="status">${ctx.t(notice)}</p>` : ''}
  ${error ? html`<div class="error" role="alert" tabindex="-1" data-error>${error}</div>` : ''}`;
}

export function formOf(p: DatingProfile | undefined): ProfileForm {
  if (!p) return { seeking_genders: [], seeking_age_min: '18', seeking_age_max: '99' };
  return {
    display_name: p.display_name,
    gender: p.gender,
    age: String(p.age),
    city: p.city,
    seeking_genders: p.seeking_genders,
    seeking_age_min: String(p.seeking_age_min),
    seeking_age_max: String(p.seeking_age_max),
    opted_in: p.opted_in,
    hidden: p.hidden,
  };
}

const genderWord = (ctx: PageContext, g: string) => ctx.t(`dating.gender.${g}` as MessageKey);

/**
 * My profile: the profile form (gender, age, city, whom they look for, opt-in, hide), its photos with upload and
 * remove, and the block list. Plain forms: works without JavaScript.
 */
export function datingProfilePage(
  ctx: PageContext,
  view: {
    profile?: DatingProfile;
    form: ProfileForm;
    blocks: Array<{ user_id: string }>;
    notice?: MessageKey;
    error?: string;
  },
): string {
  const { t } = ctx;
  const { profile, form } = view;
  const status = !profile
    ? ''
    : profile.searchable
      ? t('dating.status.searchable')
      : profile.opted_in
        ? t('dating.status.hidden')
        : t('dating.status.optedOut');
  const photos = profile?.photo_ids ?? [];
  return layout(
    ctx,
    t('dating.profileTitle'),
    html`<h1>${t('dating.profileTitle')}</h1>
      <p>${t('dating.profileLead')}</p>
      <p><a href="/dating/matches">${t('dating.matchesTitle')}</a></p>
      ${notices(ctx, view.notice, view.error)} ${status ? html`<p class="hint" data-visibility>${status}</p>` : ''}
      <form class="dt-form dt-section" method="post" action="/dating/profile" data-profile-form novalidate>
        ${csrfField(ctx)}
        <fieldset>
          <legend>${t('dating.profileTitle')}</legend>
          <label for="dt-name">${t('dating.displayName')}</label>
          <input
            id="dt-name"
            type="text"
            name="display_name"
            maxlength="60"
            required
            value="${form.display_name ?? ''}"
          />
          <label for="dt-gender">${t('dating.gender')}</label>
          <select id="dt-gender" name="gender" required>
            ${GENDERS.map(
              (g) =>
                html`<option value="${g}" ${form.gender === g ? html`selected` : ''}>${genderWord(ctx, g)}</option>`,
            )}
          </select>
          <label for="dt-age">${t('dating.age')}</label>
          <input id="dt-age" type="number" name="age" min="18" max="99" required value="${form.age ?? ''}" />
          <label for="dt-city">${t('dating.city')}</label>
          <input id="dt-city" type="text" name="city" maxlength="80" required value="${form.city ?? ''}" />
        </fieldset>
        <fieldset>
          <legend>${t('dating.seeking')}</legend>
          <div class="dt-inline">
            ${GENDERS.map(
              (g) =>
                html`<label
                  ><input
                    type="checkbox"
                    name="seeking_genders"
                    value="${g}"
                    ${form.seeking_genders?.includes(g) ? html`checked` : ''}
                  />
                  ${genderWord(ctx, g)}</label
                >`,
            )}
          </div>
          <p class="hint">${t('dating.seekingAge')}</p>
          <div class="dt-ages">
            <div>
              <label for="dt-min">${t('dating.ageFrom')}</label>
              <input
                id="dt-min"
                type="number"
                name="seeking_age_min"
                min="18"
                max="99"
                value="${form.seeking_age_min ?? '18'}"
              />
            </div>
            <div>
              <label for="dt-max">${t('dating.ageTo')}</label>
              <input
                id="dt-max"
                type="number"
                name="seeking_age_max"
                min="18"
                max="99"
                value="${form.seeking_age_max ?? '99'}"
              />
            </div>
          </div>
        </fieldset>
        <fieldset>
          <div class="dt-inline">
            <label
              ><input type="checkbox" name="opted_in" value="on" ${form.opted_in ? html`checked` : ''} />
              ${t('dating.optedIn')}</label
            >
            <label
              ><input type="checkbox" name="hidden" value="on" ${form.hidden ? html`checked` : ''} />
              ${t('dating.hidden')}</label
            >
          </div>
        </fieldset>
        <div class="actions"><button type="submit">${t('dating.save')}</button></div>
      </form>

      <section class="dt-section" aria-labelledby="dt-photos">
        <h2 id="dt-photos">${t('dating.photos')}</h2>
        <p class="hint">${t('dating.photosHint', { max: MAX_PROFILE_PHOTOS })}</p>
        ${
          photos.length
            ? html`<ul class="dt-photos" data-photos>
                ${photos.map(
                  (id, i) =>
                    html`<li class="dt-photo" data-photo="${id}">
                      <img
                        src="${profileImage(profile?.user_id ?? '', id)}"
                        alt="${t('dating.photoAlt', { n: i + 1 })}"
                        loading="lazy"
                      />
                      <form method="post" action="/dating/profile/photos/${id}/remove">
                        ${csrfField(ctx)}<button type="submit" class="secondary">
                          ${t('dating.removePhoto', { n: i + 1 })}
                        </button>
                      </form>
                    </li>`,
                )}
              </ul>`
            : html`<p class="hint">${t('dating.noPhotos')}</p>`
        }
        ${
          profile && photos.length < MAX_PROFILE_PHOTOS
            ? html`<form
                class="dt-form"
                method="post"
                action="/dating/profile/photos"
                enctype="multipart/form-data"
                data-upload-form
              >
                ${csrfField(ctx)}
                <label for="dt-file">${t('dating.addPhoto')}</label>
                <input id="dt-file" type="file" name="file" accept="image/jpeg,image/png,image/webp" required />
                <div class="actions"><button type="submit">${t('dating.upload')}</button></div>
              </form>`
            : !profile
              ? html`<p class="hint">${t('dating.needProfile')}</p>`
              : ''
        }
      </section>

      <section class="dt-section" aria-labelledby="dt-blocks">
        <h2 id="dt-blocks">${t('dating.blocks')}</h2>
        <p class="hint">${t('dating.blocksHint')}</p>
        ${
          view.blocks.length
            ? html`<ul class="dt-blocks" data-blocks>
                ${view.blocks.map(
                  (b) =>
                    html`<li data-blocked="${b.user_id}">
                      <code>${b.user_id}</code>
                      <form method="post" action="/dating/blocks/${b.user_id}/remove">
                        ${csrfField(ctx)}<button type="submit" class="secondary">${t('dating.unblock')}</button>
                      </form>
                    </li>`,
                )}
              </ul>`
            : html`<p class="hint">${t('dating.noBlocks')}</p>`
        }
        <form class="dt-form" method="post" action="/dating/blocks">
          ${csrfField(ctx)}
          <label for="dt-block">${t('dating.blockId')}</label>
          <input id="dt-block" type="text" name="user_id" required maxlength="36" />
          <div class="actions"><button type="submit">${t('dating.block')}</button></div>
        </form>
      </section>`,
    ['dating.css'],
  );
}

/**
 * Find matches: the caller's annotated photos, each marked like / dislike / ignore, filters (gender, age, city),
 * and the matched profiles with score and explanation. A GET form, so a result page is a link.
 */
export function datingMatchesPage(
  ctx: PageContext,
  view: {
    examples: ExamplePhoto[];
    query: MatchQuery;
    matched?: MatchedUser[];
    error?: string;
    notice?: MessageKey;
  },
): string {
  const { t } = ctx;
  const choice = (p: ExamplePhoto, c: ExamplePhoto['choice'], label: string) =>
    html`<label
      ><input type="radio" name="ex-${p.id}" value="${c}" ${p.choice === c ? html`checked` : ''} /> ${label}</label
    >`;
  return layout(
    ctx,
    t('dating.matchesTitle'),
    html`<h1>${t('dating.matchesTitle')}</h1>
      <p>${t('dating.matchesLead')}</p>
      <p><a href="/dating/profile">${t('dating.profileTitle')}</a></p>
      ${notices(ctx, view.notice, view.error)}
      <form class="dt-form dt-section" method="get" action="/dating/matches" data-match-form>
        <input type="hidden" name="run" value="1" />
        <fieldset>
          <legend>${t('dating.examples')}</legend>
          ${
            view.examples.length
              ? html`<p class="hint">${t('dating.examplesHint')}</p>
                  <ul class="dt-photos">
                    ${view.examples.map(
                      (p, i) =>
                        html`<li class="dt-photo" data-example="${p.id}">
                          <img
                            src="/v1/photos/${p.id}/image"
                            alt="${t('dating.photoAlt', { n: i + 1 })}"
                            loading="lazy"
                          />
                          <fieldset>
                            <legend class="hint">${t('dating.photoAlt', { n: i + 1 })}</legend>
                            ${choice(p, 'like', t('dating.like'))} ${choice(p, 'dislike', t('dating.dislike'))}
                            ${choice(p, 'ignore', t('dating.ignore'))}
                          </fieldset>
                        </li>`,
                    )}
                  </ul>`
              : html`<p class="hint">${t('dating.noExamples')}</p>`
          }
        </fieldset>
        <fieldset>
          <legend>${t('dating.filters')}</legend>
          <p class="hint">${t('dating.filtersHint')}</p>
          <div class="dt-inline">
            ${GENDERS.map(
              (g) =>
                html`<label
                  ><input
                    type="checkbox"
                    name="gender"
                    value="${g}"
                    ${view.query.genders.includes(g) ? html`checked` : ''}
                  />
                  ${genderWord(ctx, g)}</label
                >`,
            )}
          </div>
          <div class="dt-ages">
            <div>
              <label for="dt-qmin">${t('dating.ageFrom')}</label>
              <input id="dt-qmin" type="number" name="age_min" min="18" max="99" value="${view.query.ageMin}" />
            </div>
            <div>
              <label for="dt-qmax">${t('dating.ageTo')}</label>
              <input id="dt-qmax" type="number" name="age_max" min="18" max="99" value="${view.query.ageMax}" />
            </div>
          </div>
          <label for="dt-qcity">${t('dating.cityAny')}</label>
          <input id="dt-qcity" type="text" name="city" maxlength="80" value="${view.query.city}" />
        </fieldset>
        <div class="actions"><button type="submit">${t('dating.find')}</button></div>
      </form>
      ${view.matched ? results(ctx, view.matched) : ''}`,
    ['dating.css'],
  );
}

function results(ctx: PageContext, matched: MatchedUser[]): SafeHtml {
  const { t } = ctx;
  return html`<section class="dt-section" aria-labelledby="dt-results" data-results>
    <h2 id="dt-results">${t('dating.results')}</h2>
    ${
      matched.length
        ? html`<ol class="dt-cards">
            ${matched.map((m) => {
              const pct = Math.round(m.match_score * 100);
              return html`<li class="dt-card" data-match="${m.user_id}">
                <img
                  src="${profileImage(m.user_id, m.best_photo_id)}"
                  alt="${t('dating.bestPhoto', { name: m.profile.display_name })}"
                  loading="lazy"
                />
                <h3>${m.profile.display_name}</h3>
                <p>
                  ${genderWord(ctx, m.profile.gender)} · ${t('dating.yearsOld', { age: m.profile.age })} ·
                  ${m.profile.city}
                </p>
                <p class="dt-score" data-score="${m.match_score}">${t('dating.score', { pct })}</p>
                <meter min="0" max="100" value="${pct}" aria-hidden="true"></meter>
                <p><strong>${t('dating.why')}:</strong> <span data-why>${m.explanation[ctx.lang]}</span></p>
                <form method="post" action="/dating/blocks">
                  ${csrfField(ctx)}<input type="hidden" name="user_id" value="${m.user_id}" />
                  <input type="hidden" name="next" value="${ctx.path}" />
                  <button type="submit" class="secondary">${t('dating.block')}</button>
                </form>
              </li>`;
            })}
          </ol>`
        : html`<p data-none>${t('dating.none')}</p>`
    }
  </section>`;
}
