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
  // The GeoPackage writer thread and the parcels handed to it.
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<engine::ParcelResult*> done;
  bool stop = false;
  std::exception_ptr error;
  std::thread writer;

  Impl(OutputDir& d, Options o) : dir(d), options(std::move(o)) {}

  // Stops the writer (if it still waits for parcels that will never come) and waits for it.
  void join() noexcept {
    if (!writer.joinable()) return;
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    cv.notify_one();
    writer.join();
  }
};

ClearanceFiles::ClearanceFiles(OutputDir& dir, Options options)
    : impl_(std::make_unique<Impl>(dir, std::move(options))) {}

ClearanceFiles::~ClearanceFiles() {
  impl_->join();
}

void ClearanceFiles::begin(const engine::ClearanceRun& run) {
  if (!impl_->options.gpkg) return;
  Impl& m = *impl_;
  m.done.assign(run.attributes.values.size(), nullptr);
  m.writer = std::thread([&m, &run, path = m.dir.staged("clearance.gpkg")] {
    try {
      ClearanceGpkgWriter gpkg(path, *run.rules, run.work, &run.attributes);
      for (std::size_t i = 0; i < m.done.size(); ++i) {
        engine::ParcelResult* p = nullptr;
        {
          std::unique_lock lock(m.mutex);
          m.cv.wait(lock, [&] { return m.done[i] != nullptr || m.stop; });
          if (!m.done[i]) return;  // checking failed: the staging folder goes away
          p = m.done[i];
        }
        gpkg.add(*p);
        // Written: its shapes are not needed again (the tables and the report use numbers), so
        // a large batch does not hold every overlap polygon until the end.
        for (auto& o : p->overlaps) o.piece.reset();
        p->geometry.reset();
      }
      gpkg.finish();
    } catch (...) {
      m.error = std::current_exception();
    }
  });
}

void ClearanceFiles::parcel(std::size_t index, engine::ParcelResult& p) {
  if (!impl_->writer.joinable()) return;
  {
    std::lock_guard lock(impl_->mutex);
    if (index < impl_->done.size()) impl_->done[index] = &p;
  }
  impl_->cv.notify_one();
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
  const auto t0 = std::chrono::steady_clock::now();
  auto since = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // The overlaps workbook (the largest file: one row per parcel and rule or class) is written
  // beside everything else.
  std::future<void> overlaps_xlsx;
  if (impl_->options.xlsx)
    overlaps_xlsx = std::async(std::launch::async, [&dir, &result] {
      write_xlsx(dir.staged("overlaps.xlsx"), {overlaps_table(result)});
    });
  struct Wait {  // joined on every path out of here: the thread uses `result`
    std::future<void>& f;
    ~Wait() {
      if (f.valid()) f.wait();
    }
  } wait{overlaps_xlsx};
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
  if (overlaps_xlsx.valid()) overlaps_xlsx.get();  // rethrows its error
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
