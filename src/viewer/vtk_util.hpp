#pragma once
// Small VTK helpers shared by the scene's files: CJK fonts, style colours, legend swatches.
#include <vtkCellArray.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>
#include <vtkTextProperty.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "export/style.hpp"

namespace siteplan::viewer {

inline void use_font(vtkTextProperty* tp, const std::string& font, int size) {
  if (!font.empty()) {
    tp->SetFontFamily(VTK_FONT_FILE);
    tp->SetFontFile(font.c_str());
  }
  tp->SetFontSize(size);
  tp->SetColor(0.1, 0.1, 0.1);
}

inline void rgb(const style::Rgb& c, double out[3]) {
  out[0] = c.r / 255.0;
  out[1] = c.g / 255.0;
  out[2] = c.b / 255.0;
}

inline style::Rgb ramp_at(const std::vector<style::Rgb>& ramp, double t) {
  t = std::clamp(t, 0.0, 1.0) * static_cast<double>(ramp.size() - 1);
  std::size_t i = std::min(ramp.size() - 2, static_cast<std::size_t>(t));
  double f = t - static_cast<double>(i);
  return {static_cast<int>(std::lround(ramp[i].r + f * (ramp[i + 1].r - ramp[i].r))),
          static_cast<int>(std::lround(ramp[i].g + f * (ramp[i + 1].g - ramp[i].g))),
          static_cast<int>(std::lround(ramp[i].b + f * (ramp[i + 1].b - ramp[i].b)))};
}

inline vtkSmartPointer<vtkPolyData> square_symbol() {
  auto pts = vtkSmartPointer<vtkPoints>::New();
  pts->InsertNextPoint(0, 0, 0);
  pts->InsertNextPoint(1, 0, 0);
  pts->InsertNextPoint(1, 1, 0);
  pts->InsertNextPoint(0, 1, 0);
  auto polys = vtkSmartPointer<vtkCellArray>::New();
  vtkIdType ids[4] = {0, 1, 2, 3};
  polys->InsertNextCell(4, ids);
  auto pd = vtkSmartPointer<vtkPolyData>::New();
  pd->SetPoints(pts);
  pd->SetPolys(polys);
  return pd;
}

}  // namespace siteplan::viewer
