// Every output file of a clearance run, as the job's sink (clearance_outputs.hpp).
#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <thread>

#include "core/log.hpp"
#include "export/clearance_outputs.hpp"
#include "export/output_dir.hpp"

namespace siteplan::out {

struct ClearanceFiles::Impl {
  OutputDir& dir;
  Options options;
  // The writer threads — the GeoPackage and the overlaps workbook, each taking the parcels in
  // input order as they are decided — and the parcels handed to them.
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<engine::ParcelResult*> done;
  bool stop = false;
  std::exception_ptr error, sheet_error;
  std::thread writer, sheet_writer;

  Impl(OutputDir& d, Options o) : dir(d), options(std::move(o)) {}

  // Waits for parcel i (null: the run failed, stop).
  engine::ParcelResult* next(std::size_t i) {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return done[i] != nullptr || stop; });
    return done[i];
  }

  // Stops the writers (if they still wait for parcels that will never come) and waits for them.
  void join() noexcept {
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    cv.notify_all();
    if (writer.joinable()) writer.join();
    if (sheet_writer.joinable()) sheet_writer.join();
  }
};

ClearanceFiles::ClearanceFiles(OutputDir& dir, Options options)
    : impl_(std::make_unique<Impl>(dir, std::move(options))) {}

ClearanceFiles::~ClearanceFiles() {
  impl_->join();
}

void ClearanceFiles::begin(const engine::ClearanceRun& run) {
  Impl& m = *impl_;
  if (!m.options.gpkg && !m.options.xlsx) return;
  m.done.assign(run.attributes.values.size(), nullptr);
  if (m.options.gpkg)
    m.writer = std::thread([&m, &run, path = m.dir.staged("clearance.gpkg")] {
      try {
        ClearanceGpkgWriter gpkg(path, *run.rules, run.work, &run.attributes);
        for (std::size_t i = 0; i < m.done.size(); ++i) {
          engine::ParcelResult* p = m.next(i);
          if (!p) return;  // checking failed: the staging folder goes away
          gpkg.add(*p);
          // Written: its shapes are not needed again (the tables and the report use numbers),
          // so a large batch does not hold every overlap polygon until the end.
          for (auto& o : p->overlaps) o.piece.reset();
          p->geometry.reset();
        }
        gpkg.finish();
      } catch (...) {
        m.error = std::current_exception();
      }
    });
  // The overlaps workbook (one row per parcel and rule or class: the largest table) fills while
  // the parcels are checked; only writing it out is left for the end.
  if (m.options.xlsx)
    m.sheet_writer = std::thread([&m, &run, path = m.dir.staged("overlaps.xlsx")] {
      try {
        XlsxWriter book(path);
        book.sheet(kOverlapsSheet, overlaps_columns());
        std::vector<std::vector<Cell>> rows;
        for (std::size_t i = 0; i < m.done.size(); ++i) {
          const engine::ParcelResult* p = m.next(i);
          if (!p) return;
          rows.clear();
          add_overlap_rows(*p, *run.rules, rows);
          for (const auto& r : rows) book.row(r);
        }
        book.close();
      } catch (...) {
        m.sheet_error = std::current_exception();
      }
    });
}

void ClearanceFiles::parcel(std::size_t index, engine::ParcelResult& p) {
  if (impl_->done.empty()) return;
  {
    std::lock_guard lock(impl_->mutex);
    if (index < impl_->done.size()) impl_->done[index] = &p;
  }
  impl_->cv.notify_all();
}

void ClearanceFiles::end(const engine::ClearanceRun& run, engine::ClearanceResult& result) {
  ClearanceMeta meta;
  const Project& project = run.request->project;
  meta.title = !impl_->options.title.empty() ? impl_->options.title
               : project.name.empty()        ? "SitePlan 用地预审 clearance"
                                             : project.name;
  meta.parcels = run.parcels_label;
  meta.crs_label = run.work.label();
  meta.generated_by = std::string("siteplan ") + SITEPLAN_VERSION;
  meta.coverage = run.coverage;
  meta.run_date = run_date_utc();
  meta.inputs = run.inputs;
  meta.map_png = impl_->options.map_png;
  meta.attributes = &run.attributes;
  meta.group_field = run.request->group_field;
  meta.group_of = run.group_of;
  OutputDir& dir = impl_->dir;
  {  // a sink that was not handed every parcel as it was decided gets them now
    std::lock_guard lock(impl_->mutex);
    for (std::size_t i = 0; i < impl_->done.size() && i < result.parcels.size(); ++i)
      if (!impl_->done[i]) impl_->done[i] = &result.parcels[i];
  }
  impl_->cv.notify_all();
  const auto t0 = std::chrono::steady_clock::now();
  auto since = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  write_text(dir.staged("overlaps.csv"), overlaps_csv(result));
  write_text(dir.staged("parcels.csv"), parcels_csv(result, &run.attributes));
  log::debug("CSV written in {:.2f} s", since());
  if (impl_->options.xlsx) {
    std::vector<Table> parcel_sheets{parcels_table(result, &run.attributes)};
    if (!meta.group_field.empty())
      parcel_sheets.push_back(
          groups_table(summarize_groups(result, run.group_of), meta.group_field));
    write_xlsx(dir.staged("parcels.xlsx"), parcel_sheets);
  }
  write_text(dir.staged("report.html"), clearance_html(result, meta));
  if (impl_->sheet_writer.joinable()) impl_->sheet_writer.join();
  if (impl_->sheet_error) std::rethrow_exception(impl_->sheet_error);
  log::debug("Excel tables written at {:.2f} s", since());
  log::debug("report written at {:.2f} s", since());
  impl_->join();
  log::debug("GeoPackage closed at {:.2f} s", since());  // the GeoPackage took every parcel by now
  if (impl_->error) std::rethrow_exception(impl_->error);
}

void ClearanceFiles::abort() noexcept {
  impl_->join();
}

}  // namespace siteplan::out
