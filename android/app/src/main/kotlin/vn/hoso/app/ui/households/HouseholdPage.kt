// One household: its head, address and commune, its economic situation, its members (each opening the
// case they are the subject of) and its cases.
package vn.hoso.app.ui.households

import androidx.compose.foundation.clickable
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import vn.hoso.app.R
import vn.hoso.app.ui.cases.CaseRowItem
import vn.hoso.app.ui.common.EmptyLine
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.app.ui.common.localized
import vn.hoso.app.ui.common.padding16
import vn.hoso.core.HouseholdScreen
import vn.hoso.core.MemberRow

@Composable
fun HouseholdPage(state: HouseholdScreen, onOpenCase: (caseId: String) -> Unit, modifier: Modifier = Modifier) {
    LazyColumn(modifier) {
        item {
            Text(stringResource(R.string.household_of, state.headName), style = MaterialTheme.typography.titleLarge, modifier = Modifier.padding16())
            Text(listOf(state.address, state.areaName).filter { it.isNotEmpty() }.joinToString(", "), modifier = Modifier.padding16())
            state.economicSituation?.let {
                Text(stringResource(R.string.household_economic, it.localized()), modifier = Modifier.padding16())
            }
        }
        item { SectionHeader(stringResource(R.string.household_members), count = state.members.size) }
        items(state.members, key = { it.personId }) { MemberItem(it, onOpenCase) }
        item { SectionHeader(stringResource(R.string.household_cases), count = state.cases.size) }
        if (state.cases.isEmpty()) {
            item { EmptyLine(stringResource(R.string.cases_none)) }
        }
        items(state.cases, key = { it.caseId }) { CaseRowItem(it, onOpenCase) }
    }
}

@Composable
private fun MemberItem(member: MemberRow, onOpenCase: (String) -> Unit) {
    val caseId = member.caseIds.firstOrNull()
    val details = listOfNotNull(
        member.sex?.localized(),
        member.age?.let { stringResource(R.string.age_years, it.toInt()) },
        member.birth?.let { stringResource(R.string.born_on, it.text) },
    ).joinToString(" · ")
    ListItem(
        headlineContent = { Text(member.fullName) },
        supportingContent = { Text(details) },
        trailingContent = if (caseId != null) {
            { Text(stringResource(R.string.household_member_has_case), style = MaterialTheme.typography.labelSmall) }
        } else {
            null
        },
        modifier = if (caseId != null) Modifier.clickable { onOpenCase(caseId) } else Modifier,
    )
}
