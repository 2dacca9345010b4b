#include "engine/clearance.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "gis/boundary_area.hpp"
#include "gis/convert.hpp"
#include "gis/geodesic.hpp"
#include "gis/tiling_check.hpp"

namespace siteplan::engine {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Blocked:
      return "blocked";
    case Verdict::Approval:
      return "approval";
    case Verdict::Clear:
      return "clear";
    case Verdict::Invalid:
      return "invalid";
    case Verdict::Unchecked:
      return "unchecked";
  }
  return "clear";
}

namespace {

// Per-thread state: a GEOS context, an STRtree per rule layer and lazily prepared features.
class Worker {
 public:
  Worker(const std::vector<RuleLayer>& rules, const gis::Crs& work, const ClearanceOptions& opt)
      : rules_(rules), opt_(opt), ellipsoidal_(work) {
    auto add_tree = [&](const RuleLayer& r) {
      gis::STRtreePtr tree(GEOSSTRtree_create_r(ctx_, 10), gis::STRtreeDeleter{ctx_.get()});
      for (std::size_t i = 0; i < r.geoms.size(); ++i)
        GEOSSTRtree_insert_r(ctx_, tree.get(), r.geoms[i].get(), reinterpret_cast<void*>(i));
      trees_.push_back(std::move(tree));
      prepared_.emplace_back();
    };
    for (const auto& r : rules_) add_tree(r);
    // The coverage: one of the rules (a breakdown coverage) or a layer of its own, indexed last.
    if (opt_.coverage) {
      coverage_index_ = rules_.size();
      for (std::size_t i = 0; i < rules_.size(); ++i)
        if (&rules_[i] == opt_.coverage) coverage_index_ = i;
      if (coverage_index_ == rules_.size()) add_tree(*opt_.coverage);
    }
  }

  GEOSContextHandle_t ctx() const { return ctx_.get(); }

  void process(const io::Feature& parcel_feature, ParcelResult& out) {
    const GEOSGeometry* parcel = parcel_feature.geom.get();
    out.area_m2 = gis::area(ctx_, parcel);
    const gis::Extent pe = gis::envelope(ctx_, parcel);
    scale_ = ellipsoidal_.local_scale(pe);
    // Up to a few km across, the parcel's ellipsoidal area comes from the same fitted areal scale
    // as its overlaps (agrees with the geodesic polygon to ~1e-9; then a parcel wholly inside a
    // rule shows the same ellipsoidal area twice); larger parcels get the geodesic polygon.
    out.ellipsoidal_m2 = std::max(pe.maxx - pe.minx, pe.maxy - pe.miny) <= 5000.0
                             ? ellipsoidal_.area_from_scale(ctx_, parcel, scale_)
                             : ellipsoidal_.area(ctx_, parcel);
    gis::PreparedPtr prepared = gis::prepare(ctx_, parcel);
    clip_.reset();
    tiled_ = false;

    for (std::size_t ri = 0; ri < rules_.size(); ++ri) {
      const RuleLayer& rule = rules_[ri];
      const std::vector<std::size_t> hits = query(ri, parcel);
      if (hits.empty()) continue;
      if (rule.breakdown) {
        breakdown(ri, rule, hits, parcel, prepared.get(), out);
        continue;
      }
      rule_area(ri, rule, hits, parcel, prepared.get(), pe, out);
    }
    if (opt_.coverage) out.outside_m2 = outside(parcel, prepared.get(), pe, out);
  }

 private:
  // The parcel's boundary prepared for areas from boundaries (gis/boundary_area.hpp).
  const gis::BoundaryClip& parcel_clip(const GEOSGeometry* parcel) {
    if (!clip_) {
      gis::Rings pr;
      gis::Rings::from_geos(ctx_, parcel, pr);
      clip_.emplace(std::move(pr));
    }
    return *clip_;
  }

  // The union of some features of a rule near a parcel: each clipped to the parcel's envelope
  // widened by 1 m (taken whole when it lies inside, or when the clip is invalid), then unioned.
  // The clip lines lie outside the parcel. Null when GEOS fails.
  gis::GeomPtr crowd_union(const RuleLayer& rule, const std::vector<std::size_t>& idx,
                           const gis::Extent& pe) {
    constexpr double m = 1.0;
    std::vector<gis::GeomPtr> parts;
    for (std::size_t i : idx) {
      const GEOSGeometry* f = rule.geoms[i].get();
      if (pe.contains(gis::envelope(ctx_, f), m)) {
        parts.push_back(gis::clone(ctx_, f));
        continue;
      }
      GEOSGeometry* c =
          GEOSClipByRect_r(ctx_, f, pe.minx - m, pe.miny - m, pe.maxx + m, pe.maxy + m);
      if (!c) return nullptr;
      gis::GeomPtr clipped = gis::polygonal_part(ctx_, gis::wrap(ctx_, c));
      if (GEOSisEmpty_r(ctx_, clipped.get()) == 1) continue;
      if (GEOSisValid_r(ctx_, clipped.get()) != 1) clipped = gis::clone(ctx_, f);
      parts.push_back(std::move(clipped));
    }
    if (parts.empty()) return nullptr;
    try {
      return gis::union_all(ctx_, std::move(parts));
    } catch (const RuntimeError&) {
      ctx_.take_error();
      return nullptr;
    }
  }

  // Whether features a and b of rule ri overlap (share interior; touching and shared edges do
  // not count), from the boundaries; not decided counts as overlapping. Kept per worker.
  bool overlap(std::size_t ri, std::size_t a, std::size_t b) {
    if (a > b) std::swap(a, b);
    const std::uint64_t key = (static_cast<std::uint64_t>(ri) << 56) |
                              (static_cast<std::uint64_t>(a) << 28) | static_cast<std::uint64_t>(b);
    auto it = pair_overlap_.find(key);
    if (it != pair_overlap_.end()) return it->second;
    const RuleLayer& rule = rules_[ri];
    gis::Rings ra;
    gis::Rings::from_geos(ctx_, rule.geoms[a].get(), ra);
    gis::Rings::from_geos(ctx_, rule.geoms[b].get(), cell_);
    bool over = true;
    if (ra.rings() > 0 && cell_.rings() > 0) {
      const auto m = gis::BoundaryClip(std::move(ra)).intersect(cell_);
      over = !m || m->area > 0;
    }
    pair_overlap_.emplace(key, over);
    return over;
  }

  // A rule's overlap: area(parcel ∩ ∪ features). Features that overlap no other feature met by
  // the parcel add up without a union, each measured from the boundaries (an exact overlay when
  // that is not decided); the others are unioned and intersected as before. The piece for the
  // GeoPackage, when kept, is the parts side by side.
  void rule_area(std::size_t ri, const RuleLayer& rule, const std::vector<std::size_t>& hits,
                 const GEOSGeometry* parcel, const GEOSPreparedGeometry* prepared,
                 const gis::Extent& pe, ParcelResult& out) {
    if (!scale_.valid) {
      gis::GeomPtr merged = intersection(ri, rule, hits, parcel, prepared, pe, out.id);
      if (merged) add_overlap(ri, std::move(merged), out);
      return;
    }
    const bool keep = opt_.keep_pieces;
    const gis::BoundaryClip& clip = parcel_clip(parcel);
    // Every feature whose envelope meets the parcel's is measured from the boundaries; only those
    // that meet the parcel go on. (So the answer depends on those alone — not on other features
    // read with other parcels of a block or an MPI shard, or left out by a data source's spatial
    // filter: the same numbers to the last bit.)
    struct Met {
      std::size_t idx;
      std::optional<gis::Moments> m;  // nullopt: not decided, GEOS makes the piece
      std::vector<std::vector<double>> chains;
    };
    std::vector<Met> met;
    for (std::size_t idx : hits) {
      const GEOSGeometry* feat = rule.geoms[idx].get();
      gis::Rings::from_geos(ctx_, feat, cell_);
      Met h{idx, clip.intersect(cell_, nullptr, keep ? &chains_ : nullptr), {}};
      if (h.m ? !(h.m->area > 0) : GEOSPreparedIntersects_r(ctx_, prepared, feat) != 1) continue;
      if (h.m && chains_.empty() && keep) {  // wholly inside the parcel: its own rings
        chains_.clear();
        for (std::size_t k = 0; k + 1 < cell_.start.size(); ++k) {
          std::vector<double> c;
          for (std::uint32_t i = cell_.start[k]; i < cell_.start[k + 1]; ++i) {
            c.push_back(cell_.x[i]);
            c.push_back(cell_.y[i]);
          }
          chains_.push_back(std::move(c));
        }
      }
      h.chains = std::move(chains_);
      chains_.clear();
      met.push_back(std::move(h));
    }
    // Features that overlap no other feature met here add up without a union.
    std::vector<char> crowded(met.size(), 0);
    {
      std::vector<gis::Extent> env(met.size());
      for (std::size_t k = 0; k < met.size(); ++k)
        env[k] = gis::envelope(ctx_, rule.geoms[met[k].idx].get());
      for (std::size_t k = 0; k < met.size(); ++k)
        for (std::size_t l = k + 1; l < met.size(); ++l) {
          if (crowded[k] && crowded[l]) continue;
          if (!env[k].intersects(env[l])) continue;
          const int ok = rule.tile_of.empty() ? -1 : rule.tile_of[met[k].idx];
          if (ok >= 0 && rule.tile_of[met[l].idx] == ok) continue;  // tiles of one feature
          if (overlap(ri, met[k].idx, met[l].idx)) crowded[k] = crowded[l] = 1;
        }
      if (!rule.tile_of.empty()) {
        // intersection() takes a parcel inside a cut feature whole: all its tiles go together.
        std::vector<int> owners;
        for (std::size_t k = 0; k < met.size(); ++k)
          if (crowded[k] && rule.tile_of[met[k].idx] >= 0)
            owners.push_back(rule.tile_of[met[k].idx]);
        for (std::size_t k = 0; k < met.size(); ++k)
          if (std::find(owners.begin(), owners.end(), rule.tile_of[met[k].idx]) != owners.end())
            crowded[k] = 1;
      }
    }
    std::vector<std::size_t> others;
    double area = 0, ellipsoidal = 0;
    // Pieces: the features measured from the boundaries are traced there too, and their union
    // is made by GEOS's polygonizer from the traced lines (edges two of them share cancel); the
    // rest are GEOS overlays. All of them are unioned only when there are several.
    std::vector<gis::GeomPtr> pieces;
    std::vector<std::size_t> traced;
    double traced_area = 0;
    lines_.clear();
    auto overlay = [&](const GEOSGeometry* feat) {
      GEOSGeometry* inter = intersect_near(parcel, feat);
      if (!inter)
        throw RuntimeError(fmt::format("GEOS intersection failed for parcel {} and rule {}: {}",
                                       out.id, rule.id, ctx_.take_error()));
      return gis::polygonal_part(ctx_, gis::wrap(ctx_, inter));
    };
    for (std::size_t k = 0; k < met.size(); ++k) {
      Met& h = met[k];
      if (crowded[k]) {
        others.push_back(h.idx);
        continue;
      }
      const GEOSGeometry* feat = rule.geoms[h.idx].get();
      double a = 0, ell = 0;
      if (h.m) {
        a = h.m->area;
        ell = a / scale_.at(clip.origin_x() + h.m->sx / a, clip.origin_y() + h.m->sy / a);
        if (keep) {
          lines_.add_chains(h.chains);
          traced.push_back(h.idx);
          traced_area += a;
        }
      } else {
        gis::GeomPtr piece = overlay(feat);
        a = gis::area(ctx_, piece.get());
        if (!(a > 0)) continue;
        ell = ellipsoidal_.area_from_scale(ctx_, piece.get(), scale_);
        if (keep) pieces.push_back(std::move(piece));
      }
      area += a;
      ellipsoidal += ell;
    }
    // The features that overlap one another: their union near the parcel (GEOS), then measured
    // and traced like one more feature — its part of the parcel never overlaps the others'.
    gis::GeomPtr crowd;
    if (!others.empty()) {
      crowd = crowd_union(rule, others, pe);
      std::optional<gis::Moments> m;
      if (crowd) {
        gis::Rings::from_geos(ctx_, crowd.get(), cell_);
        m = clip.intersect(cell_, nullptr, keep ? &chains_ : nullptr);
      }
      if (m) {
        others.clear();
        const double a = m->area;
        if (a > 0) {
          area += a;
          ellipsoidal += a / scale_.at(clip.origin_x() + m->sx / a, clip.origin_y() + m->sy / a);
          if (keep) {
            if (chains_.empty())
              lines_.add_rings(cell_);
            else
              lines_.add_chains(chains_);
            traced_area += a;
          }
        }
      } else {
        crowd.reset();
      }
    }
    if (!others.empty()) {
      gis::GeomPtr merged = intersection(ri, rule, others, parcel, prepared, pe, out.id);
      if (merged) {
        const double a = gis::area(ctx_, merged.get());
        if (a > 0) {
          area += a;
          ellipsoidal += ellipsoidal_.area_from_scale(ctx_, merged.get(), scale_);
          if (keep) pieces.push_back(std::move(merged));
        }
      }
    }
    if (keep && (!traced.empty() || crowd)) {
      gis::GeomPtr made;
      // Parts that touch along an edge: tiles of a cut feature whose cut lines carry different
      // vertices (tiles of one feature are never tested against each other). Other traced
      // features share no part of an edge — such a pair is "not decided", hence crowded — so
      // only with two tiles of one feature is the validity checked, then the parts dissolved.
      bool tiles_together = false;
      if (!rule.tile_of.empty()) {
        std::vector<int> owners;
        for (std::size_t idx : traced)
          if (rule.tile_of[idx] >= 0) owners.push_back(rule.tile_of[idx]);
        std::sort(owners.begin(), owners.end());
        tiles_together = std::adjacent_find(owners.begin(), owners.end()) != owners.end();
      }
      // So can the union of crowded features beside traced ones (GEOS may snap its vertices).
      const bool check = tiles_together || crowd;
      // Simple rings are assembled directly; touching ones, and rings that turn back on
      // themselves at a hair's angle (a sliver that may cross itself), go through the
      // polygonizer, which keeps valid rings only (the area check below tells whether that is
      // all).
      GEOSGeometry* g = lines_.assemble(ctx_);
      if (!g) g = lines_.polygonize(ctx_);
      if (g) {
        made = gis::polygonal_part(ctx_, gis::wrap(ctx_, g));
        // Kept only when it is what the walk measured (e.g. not when two features share only
        // part of an edge, which leaves lines the polygonizer cannot join).
        if (std::fabs(gis::area(ctx_, made.get()) - traced_area) >
            1e-9 * std::max(1.0, traced_area))
          made.reset();
        if (made && check && GEOSisValid_r(ctx_, made.get()) != 1) {
          GEOSGeometry* u = GEOSUnaryUnion_r(ctx_, made.get());
          made = u ? gis::polygonal_part(ctx_, gis::wrap(ctx_, u)) : nullptr;
          if (made && std::fabs(gis::area(ctx_, made.get()) - traced_area) >
                          1e-9 * std::max(1.0, traced_area))
            made.reset();
        }
      }
      ctx_.take_error();
      if (made) {
        pieces.push_back(std::move(made));
      } else {
        for (std::size_t idx : traced) pieces.push_back(overlay(rule.geoms[idx].get()));
        if (crowd) pieces.push_back(overlay(crowd.get()));
      }
    }
    Overlap* o = push_overlap(ri, "", area, ellipsoidal, out);
    if (o && keep && !pieces.empty())
      o->piece =
          gis::to_ogr(ctx_, pieces.size() == 1 ? pieces[0].get()
                                               : gis::union_all(ctx_, std::move(pieces)).get());
  }

  // Indices of rule ri's features whose envelopes meet the parcel's, sorted (deterministic order).
  std::vector<std::size_t> query(std::size_t ri, const GEOSGeometry* parcel) {
    std::vector<std::size_t> hits;
    GEOSSTRtree_query_r(
        ctx_, trees_[ri].get(), parcel,
        [](void* item, void* userdata) {
          static_cast<std::vector<std::size_t>*>(userdata)->push_back(
              reinterpret_cast<std::size_t>(item));
        },
        &hits);
    std::sort(hits.begin(), hits.end());
    return hits;
  }

  // The parcel's area outside the coverage: area(parcel) − area(parcel ∩ ∪ coverage features),
  // exact also for a land-use (breakdown) coverage. Summing its class areas would be cheaper but
  // is not safe: a cell digitised 2 m east of its place overlaps its neighbour by exactly the gap
  // it leaves, so the sum still equals the parcel's area.
  double outside(const GEOSGeometry* parcel, const GEOSPreparedGeometry* prepared,
                 const gis::Extent& pe, const ParcelResult& out) {
    const RuleLayer& cov = *opt_.coverage;
    const double area = out.area_m2;
    if (cov.breakdown && coverage_index_ < rules_.size()) {
      if (tiled_) return 0.0;  // the breakdown proved that its cells tile the parcel
      // The breakdown made the pieces (parcel ∩ cell) already. A clean coverage tiles the parcel
      // exactly, which the pieces' edges show without a union (gis/tiling_check.hpp); otherwise
      // their union is the covered part.
      std::vector<gis::GeomPtr> pieces = std::move(cover_pieces_);
      cover_pieces_.clear();
      if (pieces.empty()) return area;
      std::vector<const GEOSGeometry*> raw;
      raw.reserve(pieces.size());
      for (const auto& p : pieces) raw.push_back(p.get());
      if (gis::tiles_exactly(ctx_, raw, parcel)) return 0.0;
      gis::GeomPtr u = gis::union_all(ctx_, std::move(pieces));
      return clean_outside(u ? area - gis::area(ctx_, u.get()) : area);
    }
    const std::vector<std::size_t> hits = query(coverage_index_, parcel);
    if (hits.empty()) return area;
    gis::GeomPtr covered = intersection(coverage_index_, cov, hits, parcel, prepared, pe, out.id);
    return clean_outside(covered ? area - gis::area(ctx_, covered.get()) : area);
  }
  // Differences of areas below the overlap noise floor are floating-point noise.
  double clean_outside(double v) const { return v > opt_.min_overlap_m2 ? v : 0.0; }

  // parcel ∩ ∪(rule's features among hits), or null when they do not meet.
  gis::GeomPtr intersection(std::size_t ri, const RuleLayer& rule,
                            const std::vector<std::size_t>& hits, const GEOSGeometry* parcel,
                            const GEOSPreparedGeometry* prepared, const gis::Extent& pe,
                            const std::string& parcel_id) {
    // Sort the features the parcel meets: wholly inside the parcel (taken whole), holding the
    // whole parcel (the answer is the parcel), or crossing its boundary.
    std::vector<const GEOSGeometry*> covered, crossing;
    bool whole = false;
    std::vector<int> owners_checked;
    auto inside = [&](const GEOSGeometry* feat, std::size_t key) {
      const gis::Extent f = gis::envelope(ctx_, feat);
      return f.valid && f.contains(pe) &&
             GEOSPreparedCovers_r(ctx_, prepared_feature(ri, key, feat), parcel) == 1;
    };
    for (std::size_t idx : hits) {
      const GEOSGeometry* feat = rule.geoms[idx].get();
      const int owner = rule.tile_of.empty() ? -1 : rule.tile_of[idx];
      if (owner >= 0 &&
          std::find(owners_checked.begin(), owners_checked.end(), owner) == owners_checked.end()) {
        // A tile: is the parcel wholly inside the feature it was cut from?
        owners_checked.push_back(owner);
        const auto key = rule.geoms.size() + static_cast<std::size_t>(owner);
        if (inside(rule.whole[static_cast<std::size_t>(owner)].get(), key)) {
          whole = true;
          break;
        }
      }
      if (GEOSPreparedIntersects_r(ctx_, prepared, feat) == 0) continue;
      if (GEOSPreparedCovers_r(ctx_, prepared, feat) == 1) {
        covered.push_back(feat);
        continue;
      }
      if (owner < 0 && inside(feat, idx)) {
        whole = true;  // the parcel lies wholly inside one feature
        break;
      }
      crossing.push_back(feat);
    }
    if (whole) return gis::clone(ctx_, parcel);
    if (!covered.empty() || !crossing.empty())
      return rule_overlap(parcel, covered, crossing, parcel_id, rule.id);
    return nullptr;
  }

  // parcel ∩ ∪ features, from the features wholly inside the parcel and those crossing its
  // boundary. Several crossing features are clipped to the parcel's envelope (widened by 1 m),
  // unioned with the covered ones, and the union is intersected with the parcel once: 25–45 %
  // faster than intersecting each feature and unioning the pieces (bench/README.md). The clip
  // lines lie outside the parcel, so they never reach the answer. Should GEOS fail on that
  // path, the pieces are made one by one instead.
  gis::GeomPtr rule_overlap(const GEOSGeometry* parcel,
                            const std::vector<const GEOSGeometry*>& covered,
                            const std::vector<const GEOSGeometry*>& crossing,
                            const std::string& parcel_id, const std::string& rule_id) {
    if (crossing.size() > 1) {
      const gis::Extent e = gis::envelope(ctx_, parcel);
      const double m = 1.0;
      std::vector<gis::GeomPtr> parts;
      bool ok = true;
      for (const GEOSGeometry* f : covered) parts.push_back(gis::clone(ctx_, f));
      for (const GEOSGeometry* f : crossing) {
        if (e.contains(gis::envelope(ctx_, f), m)) {
          parts.push_back(gis::clone(ctx_, f));
          continue;
        }
        GEOSGeometry* c = GEOSClipByRect_r(ctx_, f, e.minx - m, e.miny - m, e.maxx + m, e.maxy + m);
        if (!c) {
          ok = false;
          break;
        }
        gis::GeomPtr clipped = gis::polygonal_part(ctx_, gis::wrap(ctx_, c));
        if (GEOSisEmpty_r(ctx_, clipped.get())) continue;
        // GEOSClipByRect may return an invalid polygon (seen where the feature's boundary runs
        // along a neighbour's); an overlay of it can be wrong, so the feature is taken whole.
        if (GEOSisValid_r(ctx_, clipped.get()) != 1) clipped = gis::clone(ctx_, f);
        parts.push_back(std::move(clipped));
      }
      if (ok) {
        try {
          gis::GeomPtr u = gis::union_all(ctx_, std::move(parts));
          if (u) {
            GEOSGeometry* inter = GEOSIntersection_r(ctx_, parcel, u.get());
            if (inter) return gis::polygonal_part(ctx_, gis::wrap(ctx_, inter));
          }
        } catch (const RuntimeError&) {
        }
        ctx_.take_error();  // fall through to the pieces
      }
    }
    std::vector<gis::GeomPtr> pieces;
    for (const GEOSGeometry* f : covered) pieces.push_back(gis::clone(ctx_, f));
    for (const GEOSGeometry* f : crossing) {
      GEOSGeometry* inter = intersect_near(parcel, f);
      if (!inter)
        throw RuntimeError(fmt::format("GEOS intersection failed for parcel {} and rule {}: {}",
                                       parcel_id, rule_id, ctx_.take_error()));
      gis::GeomPtr poly = gis::polygonal_part(ctx_, gis::wrap(ctx_, inter));
      if (!GEOSisEmpty_r(ctx_, poly.get())) pieces.push_back(std::move(poly));
    }
    return gis::union_all(ctx_, std::move(pieces));
  }

  // parcel ∩ feat for a feature crossing the parcel's boundary. Both are first clipped to their
  // common box widened by 1 m (GEOSClipByRect, one pass over the vertices), which spares the
  // overlay their far edges — a large farmland block met by a small parcel, or the reverse. The
  // clip lines lie outside the answer, so they never reach it. GEOSClipByRect does not promise a
  // valid result, and an overlay of an invalid clip can be wrong (969 m² of a cell that only
  // touches the parcel, in one case), so an invalid clip is not used; should the clipped overlay
  // fail, the plain one is made. Returns null only if that fails too.
  GEOSGeometry* intersect_near(const GEOSGeometry* parcel, const GEOSGeometry* feat) {
    constexpr double m = 1.0;
    const gis::Extent pe = gis::envelope(ctx_, parcel), fe = gis::envelope(ctx_, feat);
    if (pe.valid && fe.valid) {
      gis::Extent box;
      box.minx = std::max(pe.minx, fe.minx) - m;
      box.miny = std::max(pe.miny, fe.miny) - m;
      box.maxx = std::min(pe.maxx, fe.maxx) + m;
      box.maxy = std::min(pe.maxy, fe.maxy) + m;
      box.valid = box.minx < box.maxx && box.miny < box.maxy;
      gis::GeomPtr pc, fc;
      auto clip = [&](const GEOSGeometry* g, const gis::Extent& ge, gis::GeomPtr& out) {
        if (box.contains(ge)) return g;
        GEOSGeometry* c = GEOSClipByRect_r(ctx_, g, box.minx, box.miny, box.maxx, box.maxy);
        if (!c) return static_cast<const GEOSGeometry*>(nullptr);
        out = gis::wrap(ctx_, c);
        if (GEOSisEmpty_r(ctx_, c) == 1 || GEOSisValid_r(ctx_, c) != 1) return g;
        return static_cast<const GEOSGeometry*>(c);
      };
      if (box.valid) {
        const GEOSGeometry* a = clip(parcel, pe, pc);
        const GEOSGeometry* b = a ? clip(feat, fe, fc) : nullptr;
        if (a && b && (a != parcel || b != feat))
          if (GEOSGeometry* r = GEOSIntersection_r(ctx_, a, b)) return r;
      }
      ctx_.take_error();
    }
    return GEOSIntersection_r(ctx_, parcel, feat);
  }

  // The prepared form of a rule's feature (key: index into geoms, or geoms.size() + index into
  // whole for the uncut feature of tiles), made on first use and kept for later parcels.
  const GEOSPreparedGeometry* prepared_feature(std::size_t ri, std::size_t key,
                                               const GEOSGeometry* feat) {
    auto& cache = prepared_[ri];
    auto it = cache.find(key);
    if (it != cache.end()) return it->second.get();
    auto p = gis::prepare(ctx_, feat);
    const GEOSPreparedGeometry* raw = p.get();
    cache.emplace(key, std::move(p));
    return raw;
  }

  // A land-use breakdown needs areas, not shapes (unless its pieces are kept): each cell's area
  // in the parcel comes from the two boundaries (gis/boundary_area.hpp) — a cell wholly inside
  // costs one point-in-polygon test, a crossing cell a few segment tests. A cell whose boundary
  // touches or runs along the parcel's gets the exact overlay. When the breakdown is also the
  // coverage, the same pass proves that the cells tile the parcel; if it cannot, the parcel is
  // done the exact way (pieces and their union).
  void breakdown(std::size_t ri, const RuleLayer& rule, const std::vector<std::size_t>& hits,
                 const GEOSGeometry* parcel, const GEOSPreparedGeometry* prepared,
                 ParcelResult& out) {
    const bool is_coverage = opt_.coverage && ri == coverage_index_;
    if (opt_.keep_breakdown_pieces || !scale_.valid) {
      breakdown_exact(ri, rule, hits, parcel, prepared, out);
      return;
    }
    parcel_clip(parcel);
    struct Slot {
      double area = 0, ellipsoidal = 0;
    };
    std::map<std::string, Slot> by_class;
    proof_.clear();
    bool all_decided = true;
    for (std::size_t idx : hits) {
      const GEOSGeometry* feat = rule.geoms[idx].get();
      gis::Rings::from_geos(ctx_, feat, cell_);
      const auto m = clip_->intersect(cell_, is_coverage ? &proof_ : nullptr);
      double a = 0, ell = 0;
      if (m) {
        a = m->area;
        if (!(a > 0)) continue;
        ell = a / scale_.at(clip_->origin_x() + m->sx / a, clip_->origin_y() + m->sy / a);
      } else {
        all_decided = false;
        if (is_coverage) break;  // the exact way, below
        if (GEOSPreparedIntersects_r(ctx_, prepared, feat) != 1) continue;
        GEOSGeometry* inter = intersect_near(parcel, feat);
        if (!inter)
          throw RuntimeError(fmt::format("GEOS intersection failed for parcel {} and {}: {}",
                                         out.id, rule.id, ctx_.take_error()));
        gis::GeomPtr piece = gis::polygonal_part(ctx_, gis::wrap(ctx_, inter));
        a = gis::area(ctx_, piece.get());
        if (!(a > 0)) continue;
        ell = ellipsoidal_.area_from_scale(ctx_, piece.get(), scale_);
      }
      Slot& slot = by_class[rule.classes[idx]];
      slot.area += a;
      slot.ellipsoidal += ell;
    }
    if (is_coverage) {
      if (!all_decided || !proof_.holds(clip_->rings())) {
        breakdown_exact(ri, rule, hits, parcel, prepared, out);
        return;
      }
      tiled_ = true;
    }
    for (auto& [cls, slot] : by_class) push_overlap(ri, cls, slot.area, slot.ellipsoidal, out);
  }

  void breakdown_exact(std::size_t ri, const RuleLayer& rule, const std::vector<std::size_t>& hits,
                       const GEOSGeometry* parcel, const GEOSPreparedGeometry* prepared,
                       ParcelResult& out) {
    // Coverage classes: areas are summed per class; pieces are kept side by side for display.
    // A cell wholly inside the parcel is its own piece (no copy).
    struct Slot {
      double area = 0, ellipsoidal = 0;
      std::vector<const GEOSGeometry*> pieces;
      std::vector<gis::GeomPtr> owned;
    };
    std::map<std::string, Slot> by_class;
    const gis::Extent pe = gis::envelope(ctx_, parcel);
    for (std::size_t idx : hits) {
      const GEOSGeometry* feat = rule.geoms[idx].get();
      // A cell inside the parcel's envelope is first tested for being covered (which implies
      // meeting the parcel); any other cell cannot be covered, so only meeting is tested.
      const bool covered =
          pe.contains(gis::envelope(ctx_, feat)) && GEOSPreparedCovers_r(ctx_, prepared, feat) == 1;
      // (2, a GEOS error, falls through to the exact intersection.)
      if (!covered && GEOSPreparedIntersects_r(ctx_, prepared, feat) == 0) continue;
      const GEOSGeometry* piece = feat;
      gis::GeomPtr made;
      if (!covered) {
        GEOSGeometry* inter = intersect_near(parcel, feat);
        if (!inter)
          throw RuntimeError(fmt::format("GEOS intersection failed for parcel {} and {}: {}",
                                         out.id, rule.id, ctx_.take_error()));
        made = gis::polygonal_part(ctx_, gis::wrap(ctx_, inter));
        piece = made.get();
      }
      const double a = gis::area(ctx_, piece);
      if (a <= 0) continue;
      // The coverage's footprint in this parcel is the union of these same pieces (outside()).
      if (opt_.coverage && ri == coverage_index_) cover_pieces_.push_back(gis::clone(ctx_, piece));
      Slot& slot = by_class[rule.classes[idx]];
      slot.area += a;
      slot.ellipsoidal += ellipsoidal_.area_from_scale(ctx_, piece, scale_);
      if (opt_.keep_breakdown_pieces) {
        slot.pieces.push_back(piece);
        if (made) slot.owned.push_back(std::move(made));
      }
    }
    for (auto& [cls, slot] : by_class) {
      Overlap* o = push_overlap(ri, cls, slot.area, slot.ellipsoidal, out);
      if (o && opt_.keep_breakdown_pieces) o->piece = gis::to_ogr_multipolygon(ctx_, slot.pieces);
    }
  }

  void add_overlap(std::size_t ri, gis::GeomPtr merged, ParcelResult& out) {
    const double a = gis::area(ctx_, merged.get());
    if (!(a > opt_.min_overlap_m2)) return;
    Overlap* o =
        push_overlap(ri, "", a, ellipsoidal_.area_from_scale(ctx_, merged.get(), scale_), out);
    if (opt_.keep_pieces) o->piece = gis::to_ogr(ctx_, merged.get());
  }

  // Appends rule ri's overlap (class `cls` of a breakdown, "" for a rule) when it is above the
  // noise floor; the new row, or null.
  Overlap* push_overlap(std::size_t ri, const std::string& cls, double area, double ellipsoidal,
                        ParcelResult& out) const {
    if (!(area > opt_.min_overlap_m2)) return nullptr;
    Overlap& o = out.overlaps.emplace_back();
    o.rule_index = ri;
    o.class_value = cls;
    o.area_m2 = area;
    o.ellipsoidal_m2 = ellipsoidal;
    o.pct = out.area_m2 > 0 ? 100.0 * area / out.area_m2 : 0.0;
    return &o;
  }

  const std::vector<RuleLayer>& rules_;
  const ClearanceOptions& opt_;
  gis::GeosContext ctx_;
  gis::EllipsoidalArea ellipsoidal_;
  gis::EllipsoidalArea::LocalScale scale_;  // over the parcel being checked
  std::vector<gis::STRtreePtr> trees_;
  std::vector<std::unordered_map<std::size_t, gis::PreparedPtr>> prepared_;
  std::size_t coverage_index_ = 0;           // tree / cache index of the coverage
  std::vector<gis::GeomPtr> cover_pieces_;   // a breakdown coverage's pieces in this parcel
  std::optional<gis::BoundaryClip> clip_;    // the parcel's boundary, for breakdown areas
  gis::Rings cell_;                          // the cell being measured (reused)
  std::vector<std::vector<double>> chains_;  // the boundary of a piece, when pieces are kept
  gis::BoundaryLines lines_;                 // the traced pieces of a rule, for their union
  gis::TilingProof proof_;
  bool tiled_ = false;  // the breakdown coverage's cells tile the parcel (outside = 0)
  std::unordered_map<std::uint64_t, bool> pair_overlap_;  // overlap(), per worker
};

void decide(ParcelResult& p, const std::vector<RuleLayer>& rules, const ClearanceOptions& opt) {
  if (!io::usable(p.status)) {
    p.verdict = Verdict::Invalid;
    return;
  }
  std::vector<std::string> block, approval;
  for (const auto& o : p.overlaps) {
    const auto& r = rules[o.rule_index];
    if (r.breakdown) continue;
    if (r.severity == Severity::Block) block.push_back(r.id);
    if (r.severity == Severity::Approval) approval.push_back(r.id);
  }
  if (!block.empty()) {
    p.verdict = Verdict::Blocked;
    p.deciding_rules = block;
  } else if (opt.coverage && p.outside_m2 > opt.coverage_tolerance_m2) {
    p.verdict = Verdict::Unchecked;
    p.deciding_rules = {"coverage"};
  } else if (!approval.empty()) {
    p.verdict = Verdict::Approval;
    p.deciding_rules = approval;
  } else {
    p.verdict = Verdict::Clear;
  }
}

}  // namespace

ClearanceResult run_clearance(const io::LoadedLayer& parcels, const std::vector<RuleLayer>& rules,
                              const gis::Crs& work, const gis::GeosContext& ctx,
                              const ClearanceOptions& options) {
  ClearanceResult result;
  result.rules = &rules;
  const std::size_t n = parcels.features.size();
  if (!options.into) result.parcels.resize(n);
  std::vector<ParcelResult>& dest = options.into ? *options.into : result.parcels;
  auto slot = [&](std::size_t i) { return options.into ? (*options.into_index)[i] : i; };
  for (std::size_t i = 0; i < n; ++i) {
    const auto& f = parcels.features[i];
    auto& p = dest[slot(i)];
    p.id = f.key;
    const auto name_at = static_cast<std::size_t>(options.name_value);
    p.name = options.name_value >= 0 && name_at < f.values.size() ? f.values[name_at] : "";
    p.status = f.status;
    p.problem = f.problem;
    if (f.geom) gis::warm_envelope(ctx, f.geom.get());
  }

  // Lanes within the job's thread budget (core/threads.hpp), each with its Worker.
  const unsigned budget = thread_budget();
  unsigned threads =
      options.threads > 0 ? std::min(static_cast<unsigned>(options.threads), budget) : budget;
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, n)));
  result.threads_used = static_cast<int>(threads);

  Progress progress(options.progress, "checking parcels", n);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work_loop = [&](unsigned) {
    try {
      Worker worker(rules, work, options);
      const std::size_t chunk = 8;
      for (;;) {
        std::size_t begin = next.fetch_add(chunk);
        if (begin >= n) break;
        std::size_t end = std::min(n, begin + chunk);
        for (std::size_t i = begin; i < end; ++i) {
          const auto& f = parcels.features[i];
          auto& p = dest[slot(i)];
          if (f.geom) p.geometry = gis::to_ogr(worker.ctx(), f.geom.get());
          if (f.geom && io::usable(f.status)) worker.process(f, p);
          decide(p, rules, options);
          if (options.on_parcel_done) options.on_parcel_done(slot(i), p);
          progress.advance();
        }
        std::lock_guard lock(failure_mutex);
        if (failure) break;
      }
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = n;
    }
  };
  run_lanes(threads, work_loop);
  if (failure) std::rethrow_exception(failure);
  progress.finish();

  return result;
}

}  // namespace siteplan::engine
