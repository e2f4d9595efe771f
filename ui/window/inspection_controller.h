#pragma once
// Clicking a scored token (Workbench::tokenActivated) inspects it: the Token inspector dock shows
// its numbers and asks the engine for the top alternatives (only the latest request's answer is
// shown), the editor and the running-total strip mark it. An edit of the inspected response
// clears the inspection; an alternative chosen in the inspector replaces the token's text.
// GUI thread only.

#include <QObject>

namespace cl {

class EngineClient;
class TokenInspector;
class Workbench;

class InspectionController : public QObject {
    Q_OBJECT
public:
    /// None of the pointers is owned; `parent` owns this object.
    InspectionController(Workbench* workbench, TokenInspector* inspector, EngineClient* engine,
                         QObject* parent);

    /// Inspects token `index` of `slot`'s scored response (ignored when out of range).
    void inspect(int slot, int index);
    /// No token inspected: marks removed, inspector emptied.
    void clear();

private:
    Workbench* m_workbench;
    TokenInspector* m_inspector;
    EngineClient* m_engine;
    quint64 m_alternativesTag = 0;
};

} // namespace cl
