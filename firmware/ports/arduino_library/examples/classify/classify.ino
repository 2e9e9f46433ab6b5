// Classify live readings with the model in the @LIBRARY@ library (made by tml export --arduino-library).
//
// Every sample period (TML_MODEL_SAMPLE_RATE_HZ, the rate the model was trained at) the sketch reads one
// value per axis and pushes it; whenever a window is ready it prints the label and every class's score:
//   circle 0.91 | circle 0.91  flick 0.02  idle 0.04  updown 0.03
// and, for a model with value heads (regression), each target's name and value ("rain_mm 2.375").
// Replace read_sensor() with your sensor, giving values in the units of the data the model was trained
// on (what your capture sketch printed for tml capture --text). Or set kReadFromSerial to true and send
// rows as text ("1.25,-0.5,9.81" and a newline) to replay recorded data.
#include <@LIBRARY@.h>

static const bool kReadFromSerial = false;
static const uint32_t kPeriodUs = (uint32_t)(1000000.0f / TML_MODEL_SAMPLE_RATE_HZ);
static uint32_t last_sample_us = 0;
static float row[TML_MODEL_AXIS_COUNT];

// One reading per axis (here: the analog pins A0, A1, ... as raw counts).
static void read_sensor(float* values) {
  for (uint32_t a = 0; a < TML_MODEL_AXIS_COUNT; ++a) values[a] = (float)analogRead(A0 + a);
}

// One row of comma-separated numbers from the serial port; true when a whole row has arrived.
static bool read_serial_row(float* values) {
  static char line[128];
  static size_t used = 0;
  while (Serial.available() > 0) {
    const char c = (char)Serial.read();
    if (c != '\n' && used + 1 < sizeof line) {
      line[used++] = c;
      continue;
    }
    line[used] = '\0';
    used = 0;
    char* p = line;
    for (uint32_t a = 0; a < TML_MODEL_AXIS_COUNT; ++a) {
      char* end = p;
      values[a] = strtof(p, &end);
      if (end == p) return false;  // too few numbers: not a row
      p = *end == ',' ? end + 1 : end;
    }
    return true;
  }
  return false;
}

static void print_result() {
  if (TML_MODEL_CLASS_COUNT > 0) {
    const int32_t top = tml_top();
    Serial.print(tml_label(top));
    Serial.print(' ');
    Serial.print(tml_score(top), 2);
    Serial.print(" |");
    for (int32_t i = 0; i < (int32_t)TML_MODEL_CLASS_COUNT; ++i) {
      Serial.print("  ");
      Serial.print(tml_label(i));
      Serial.print(' ');
      Serial.print(tml_score(i), 2);
    }
  }
  // A regression or multi-output model's targets, in their own units.
  for (uint32_t i = 0; i < tml_value_count(); ++i) {
    Serial.print("  ");
    Serial.print(tml_value_name(i));
    Serial.print(' ');
    Serial.print(tml_value(i), 3);
  }
  Serial.println();
}

void setup() {
  Serial.begin(115200);
  while (!Serial && millis() < 3000) {
  }
  const int s = tml_begin();
  if (s != TML_OK) {
    Serial.print("tml: the model cannot run: ");
    Serial.println(tml_status_str(s));
    while (true) {
    }
  }
  Serial.print("tml: ");
  Serial.print(TML_MODEL_CLASS_COUNT);
  Serial.print(" classes, a window of ");
  Serial.print(TML_MODEL_WINDOW_ROWS);
  Serial.print(" rows x ");
  Serial.print(TML_MODEL_AXIS_COUNT);
  Serial.print(" axes at ");
  Serial.print(TML_MODEL_SAMPLE_RATE_HZ);
  Serial.println(" Hz");
  last_sample_us = micros();
}

void loop() {
  if (kReadFromSerial) {
    if (!read_serial_row(row)) return;
  } else {
    if ((uint32_t)(micros() - last_sample_us) < kPeriodUs) return;
    last_sample_us += kPeriodUs;
    read_sensor(row);
  }
  const int s = tml_push_sample(row, TML_MODEL_AXIS_COUNT);
  if (s != TML_OK) {
    Serial.print("tml: ");
    Serial.println(tml_status_str(s));
    return;
  }
  if (tml_ready()) {
    const int r = tml_run();
    if (r == TML_OK)
      print_result();
    else
      Serial.println(tml_status_str(r));
  }
}
