package vn.hoso.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import vn.hoso.core.HouseholdListScreen
import vn.hoso.core.HouseholdScreen

/** Households, searched by the head's name, the address or a member's name. */
class HouseholdListStateHolder(scope: CoroutineScope, calls: CoreCalls) :
    StateHolder<HouseholdListScreen>(scope, calls) {
    fun search(query: String, limit: UInt = 100u): Job = perform { householdList(query, limit) }
}

/** One household: its members and their cases. */
class HouseholdStateHolder(scope: CoroutineScope, calls: CoreCalls, private val householdId: String) :
    StateHolder<HouseholdScreen>(scope, calls) {
    fun refresh(): Job = perform { householdScreen(householdId) }
}
