// Taking in a new subject: name, birth date (as Vietnamese forms write it) and sex. The core registers the
// person, opens a case in the user's commune and starts its information form (Mẫu số 01).
package vn.hoso.app.ui.cases

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import vn.hoso.app.R
import vn.hoso.app.ui.common.NoticeCard
import vn.hoso.app.ui.common.SectionHeader
import vn.hoso.core.PersonSummary

/** The sexes of Mẫu số 01's `subject.sex`, by the codes the core reads. */
private val SEXES = listOf("female" to R.string.new_case_female, "male" to R.string.new_case_male)

@Composable
fun NewCasePage(
    error: String?,
    onTakeIn: (fullName: String, birthDate: String, sex: String) -> Unit,
    modifier: Modifier = Modifier,
) {
    var fullName by rememberSaveable { mutableStateOf("") }
    var birthDate by rememberSaveable { mutableStateOf("") }
    var sex by rememberSaveable { mutableStateOf(SEXES.first().first) }
    Column(modifier.verticalScroll(rememberScrollState()).padding(16.dp).widthIn(max = 560.dp)) {
        Text(stringResource(R.string.new_case_title), style = MaterialTheme.typography.titleLarge)
        error?.let { NoticeCard(it, warning = true) }
        OutlinedTextField(
            value = fullName,
            onValueChange = { fullName = it },
            label = { Text(stringResource(R.string.new_case_full_name)) },
            singleLine = true,
            keyboardOptions = KeyboardOptions(capitalization = KeyboardCapitalization.Words),
            modifier = Modifier.fillMaxWidth(),
        )
        OutlinedTextField(
            value = birthDate,
            onValueChange = { birthDate = it },
            label = { Text(stringResource(R.string.new_case_birth_date)) },
            singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
            modifier = Modifier.fillMaxWidth(),
        )
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(vertical = 8.dp)) {
            SEXES.forEach { (code, label) ->
                FilterChip(selected = sex == code, onClick = { sex = code }, label = { Text(stringResource(label)) })
            }
        }
        Button(
            onClick = { onTakeIn(fullName, birthDate, sex) },
            enabled = fullName.isNotBlank(),
            modifier = Modifier.fillMaxWidth(),
        ) { Text(stringResource(R.string.new_case_take_in)) }
    }
}

/** People already on the device who are probably the subject just taken in. */
@Composable
fun LikelyDuplicates(people: List<PersonSummary>, modifier: Modifier = Modifier) {
    if (people.isEmpty()) return
    Column(modifier) {
        SectionHeader(stringResource(R.string.new_case_likely_duplicates), count = people.size)
        people.forEach { person ->
            val details = listOfNotNull(
                person.birth?.let { stringResource(R.string.born_on, it.text) },
                person.address.ifEmpty { null },
            ).joinToString(" · ")
            Text("${person.fullName} — $details", modifier = Modifier.padding(horizontal = 16.dp, vertical = 4.dp))
        }
    }
}
